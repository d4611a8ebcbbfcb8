import Dispatch
import Foundation
import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// The live receiver's run assembly: when a trace is judged (quiet after its root, timeout without one, eviction
/// at the bounds, shutdown), runs split across requests, and many threads feeding one assembler (this suite also
/// runs under ThreadSanitizer in `make test`).
@Suite struct LiveRunAssemblerTests {
    typealias F = TraceFixture
    static let second: UInt64 = 1_000_000_000

    static func spans(_ json: [String], trace: String = F.trace) throws -> (
        spans: [TraceSpan], decisions: [ToolDecisionRecord]
    ) {
        var reader = OTLPJSONReader()
        try reader.read(bytes: Array(F.traces(json).utf8), source: "otlp-http")
        return (reader.spans, reader.decisions)
    }

    static func limits(quiet: UInt64 = second, wait: UInt64 = 10 * second, spans: Int = 1_000)
        -> LiveRunAssembler.Limits
    {
        var limits = LiveRunAssembler.Limits()
        limits.quietNanos = quiet
        limits.maxWaitNanos = wait
        limits.maxPendingSpans = spans
        return limits
    }

    @Test func aTraceIsJudgedOnceQuietAfterItsRoot() throws {
        let assembler = LiveRunAssembler(limits: Self.limits())
        // The children end first and arrive in one request; the root comes in a second one.
        let children = try Self.spans([F.tool(2, parent: 1, name: "Bash"), F.chat(3, parent: 1, input: 5, output: 5)])
        #expect(assembler.add(spans: children.spans, decisions: [], now: 0).isEmpty)
        // Without its root, a quiet trace is not due (only after the longer wait).
        #expect(assembler.due(now: 5 * Self.second).isEmpty)
        let root = try Self.spans([F.agent(1, agentID: "a")])
        #expect(assembler.add(spans: root.spans, decisions: [], now: 6 * Self.second).isEmpty)
        #expect(assembler.due(now: 6 * Self.second + Self.second / 2).isEmpty)
        let due = assembler.due(now: 7 * Self.second)
        #expect(due.map(\.trigger) == [.quiet] && due.first?.spans.count == 3)
        #expect(assembler.pendingSpans == 0 && assembler.pendingTraces == 0)
        // Split or whole, the run is the same: one tool call, the tokens of the chat span.
        let runs = TraceRunBuilder.runs(try #require(due.first).spans)
        #expect(runs.count == 1 && runs.first?.toolCalls.count == 1 && runs.first?.tokens == 10)
        #expect(runs.first?.orphanSpanIDs == [])
    }

    @Test func aTraceWithoutItsRootIsJudgedAfterTheWaitAsIncomplete() throws {
        let assembler = LiveRunAssembler(limits: Self.limits())
        let orphans = try Self.spans([F.tool(2, parent: 1, name: "Bash")])
        _ = assembler.add(spans: orphans.spans, decisions: [], now: 0)
        #expect(assembler.due(now: 9 * Self.second).isEmpty)
        let due = assembler.due(now: 10 * Self.second)
        #expect(due.map(\.trigger) == [.timeout])
        let judge = try LiveRunJudge(
            policies: PosturePolicyLoader.parse(Array(F.policyHeader.utf8), source: "p.yaml"), historyPath: nil)
        let (runs, _) = judge.judge(try #require(due.first))
        #expect(runs.count == 1)
        #expect(runs.first.map(F.rules) == ["AP-MON-1:fail", "AP-MON-2:fail"])
    }

    @Test func theOldestTracesAreEvictedAtTheBound() throws {
        let assembler = LiveRunAssembler(limits: Self.limits(spans: 3))
        let first = "00000000000000000000000000000001"
        let second = "00000000000000000000000000000002"
        var reader = OTLPJSONReader()
        try reader.read(
            bytes: Array(
                F.traces([
                    F.tool(2, parent: 1, name: "a", trace: first), F.tool(3, parent: 1, name: "b", trace: first),
                ]).utf8), source: "x")
        #expect(assembler.add(spans: reader.spans, decisions: [], now: 0).isEmpty)
        var more = OTLPJSONReader()
        try more.read(
            bytes: Array(
                F.traces([
                    F.tool(2, parent: 1, name: "a", trace: second), F.tool(3, parent: 1, name: "b", trace: second),
                ]).utf8), source: "x")
        let evicted = assembler.add(spans: more.spans, decisions: [], now: 1)
        #expect(evicted.map(\.traceID) == [first] && evicted.map(\.trigger) == [.evicted])
        #expect(assembler.pendingSpans == 2 && assembler.pendingTraces == 1)
        let drained = assembler.drain()
        #expect(drained.map(\.traceID) == [second] && drained.map(\.trigger) == [.shutdown])
        #expect(assembler.pendingSpans == 0)
    }

    @Test func liveAndFileJudgementsAgreeAndHistoryIsAppendedOnce() throws {
        let folder = try TemporaryFolder()
        let history = folder.path + "/runs.jsonl"
        let policy = F.policyHeader + "  permissions:\n    denied_tools: [Bash]\n"
        let policies = try PosturePolicyLoader.parse(Array(policy.utf8), source: "p.yaml")
        let json = [F.agent(1, agentID: "a"), F.tool(2, parent: 1, name: "Bash"), F.agent(3, parent: 1, agentID: "a")]
        let judge = try LiveRunJudge(policies: policies, historyPath: history)
        let assembler = LiveRunAssembler(limits: Self.limits())
        for part in [Array(json[1...]), [json[0]]] {
            _ = assembler.add(spans: try Self.spans(part).spans, decisions: [], now: 0)
        }
        let ready = assembler.due(now: Self.second)
        let live = ready.flatMap { judge.judge($0).runs }
        #expect(live.map(F.rules) == [["AP-PERM-1:fail", "AP-ID-3:fail"]])
        let file = try F.judge(F.traces(json), policy: policy)
        #expect(
            live.map { LiveRunJudge.line($0, trigger: .quiet) }
                == file.map { LiveRunJudge.line($0, trigger: .quiet) }.map {
                    $0.replacingOccurrences(of: "traces.jsonl", with: "otlp-http")
                })
        // The same trace again (a re-sent export) adds no second history line.
        _ = judge.judge(try #require(ready.first))
        #expect(try RunHistory.read(history).count == 1)
    }

    @Test func manyThreadsFeedOneAssembler() throws {
        let assembler = LiveRunAssembler(limits: Self.limits(quiet: 0, spans: 1_000_000))
        let traces = 64
        let batches: [[TraceSpan]] = try (0..<traces).map { index in
            let trace = String(repeating: "0", count: 24) + F.hex(index + 1).suffix(8)
            var reader = OTLPJSONReader()
            try reader.read(
                bytes: Array(
                    F.traces([
                        F.agent(1, agentID: "a\(index)", trace: trace), F.tool(2, parent: 1, name: "t", trace: trace),
                        F.tool(3, parent: 1, name: "u", trace: trace),
                    ]).utf8), source: "x")
            return reader.spans
        }
        let collected = LockedValue<[LiveRunAssembler.ReadyTrace]>([])
        DispatchQueue.concurrentPerform(iterations: traces * 3) { index in
            let (trace, span) = index.quotientAndRemainder(dividingBy: 3)
            _ = assembler.add(spans: [batches[trace][span]], decisions: [], now: 0)
            if index % 5 == 0 {
                let due = assembler.due(now: 0)
                collected.withLock { $0 += due }
            }
        }
        let rest = assembler.drain()
        let all = collected.value + rest
        #expect(all.reduce(0) { $0 + $1.spans.count } == traces * 3)
        #expect(assembler.pendingSpans == 0 && assembler.pendingTraces == 0)
    }
}
