import Foundation
import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// The OTLP/JSON reader and the emitter normalisation, on hand-built traces in each emitter's documented shape.
@Suite struct TraceReaderTests {
    typealias F = TraceFixture

    @Test func semconvRunCountsToolsSpawnsAndInferenceTokensOnly() throws {
        let text = F.traces([
            F.span(
                1, parent: nil, name: "invoke_agent main",
                [
                    ("gen_ai.operation.name", F.s("invoke_agent")), ("gen_ai.agent.id", F.s("agt_main")),
                    ("gen_ai.usage.input_tokens", F.i(99_999)),  // an aggregate on the agent span: not counted
                ]),
            F.chat(2, parent: 1, input: 100, output: 20),
            F.tool(3, parent: 1, name: "web_fetch"),
            F.agent(4, parent: 1, agentID: "agt_writer"),
            F.chat(5, parent: 4, input: 50, output: 5),
            F.tool(6, parent: 4, name: "render"),
            F.span(7, parent: 6, name: "GET", kind: 3, [("http.request.method", F.s("GET"))]),
        ])
        let runs = try F.judge(text)
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.run.agent == "agt_main")
        #expect(
            run.run.toolCalls.map { "\($0.caller):\($0.name ?? "")" } == ["agt_main:web_fetch", "agt_writer:render"])
        #expect(run.run.spawns.map(\.identity) == ["agt_writer"])
        #expect(run.run.spawns.first?.hasOwnID == true)
        #expect(run.summary.tokens == 175)
        #expect(run.summary.externalCalls == 1)  // web_fetch: network_egress in the built-in table
        #expect(F.rules(run) == [])
    }

    @Test func emitterAliasesNormaliseOntoSemconv() throws {
        // Gemini CLI: agent_call / tool_call / gen_ai.tool.call_id / llm_call.
        let gemini = F.traces(
            service: "gemini-cli",
            [
                F.span(
                    1, parent: nil, name: "agent_call",
                    [("gen_ai.operation.name", F.s("agent_call")), ("gen_ai.agent.name", F.s("gemini-cli"))]),
                F.span(
                    2, parent: 1, name: "tool_call",
                    [
                        ("gen_ai.operation.name", F.s("tool_call")), ("gen_ai.tool.name", F.s("run_shell_command")),
                        ("gen_ai.tool.call_id", F.s("c1")),
                    ]),
                F.span(
                    3, parent: 1, name: "llm_call",
                    [
                        ("gen_ai.operation.name", F.s("llm_call")), ("gen_ai.usage.input_tokens", F.i(10)),
                        ("gen_ai.usage.output_tokens", F.i(2)),
                    ]),
            ])
        let g = try #require(try F.judge(gemini).first)
        #expect(g.run.agent == "gemini-cli" && g.run.emitter == "gemini-cli")
        #expect(g.run.toolCalls.map(\.callID) == ["c1"])
        #expect(g.summary.tokens == 12 && F.rules(g) == [])
        // Claude Code: claude_code.interaction / .tool / .llm_request; identity falls back to service.name.
        let claude = F.traces(
            service: "claude-code",
            [
                F.span(1, parent: nil, name: "claude_code.interaction", [("user_prompt_length", F.i(10))]),
                F.span(
                    2, parent: 1, name: "claude_code.tool", [("tool_name", F.s("Bash")), ("tool_use_id", F.s("tu1"))]),
                F.span(
                    3, parent: 1, name: "claude_code.llm_request",
                    [("input_tokens", F.i(7)), ("output_tokens", F.i(3)), ("model", F.s("claude"))]),
            ])
        let c = try #require(try F.judge(claude).first)
        #expect(c.run.agent == "claude-code" && c.run.emitter == "claude-code")
        #expect(c.run.toolCalls.map { $0.name ?? "" } == ["Bash"] && c.summary.tokens == 10 && F.rules(c) == [])
        // OpenInference: AGENT / TOOL / LLM spans with agent.name, tool.name and llm.token_count.*.
        let openInference = F.traces([
            F.span(
                1, parent: nil, name: "Agent", [("openinference.span.kind", F.s("AGENT")), ("agent.name", F.s("oi"))]),
            F.span(
                2, parent: 1, name: "tool",
                [
                    ("openinference.span.kind", F.s("TOOL")), ("tool.name", F.s("search")),
                    ("tool_call.id", F.s("t1")),
                ]),
            F.span(
                3, parent: 1, name: "llm",
                [
                    ("openinference.span.kind", F.s("LLM")), ("llm.token_count.prompt", F.i(4)),
                    ("llm.token_count.completion", F.i(1)),
                ]),
        ])
        let o = try #require(try F.judge(openInference).first)
        #expect(o.run.agent == "oi" && o.run.toolCalls.count == 1 && o.summary.tokens == 5 && F.rules(o) == [])
        // Older names: gen_ai.system and gen_ai.usage.prompt_tokens / completion_tokens.
        let legacy = F.traces([
            F.agent(1, agentID: "old"),
            F.span(
                2, parent: 1, name: "chat", kind: 3,
                [
                    ("gen_ai.operation.name", F.s("chat")), ("gen_ai.system", F.s("openai")),
                    ("gen_ai.usage.prompt_tokens", F.i(30)), ("gen_ai.usage.completion_tokens", F.i(3)),
                ]),
        ])
        let l = try #require(try F.judge(legacy).first)
        #expect(l.summary.tokens == 33 && F.rules(l) == [])
        // An instrumentation from before gen_ai.operation.name (semconv < 1.27): gen_ai.system and prompt_tokens
        // alone still make an inference span whose tokens count, and the missing operation name is AP-MON-1.
        let older = F.traces([
            F.agent(1, agentID: "old"),
            F.span(
                2, parent: 1, name: "openai.chat", kind: 3,
                [
                    ("gen_ai.system", F.s("openai")), ("gen_ai.usage.prompt_tokens", F.i(30)),
                    ("gen_ai.usage.completion_tokens", F.i(3)),
                ]),
        ])
        let o2 = try #require(try F.judge(older).first)
        #expect(o2.summary.tokens == 33 && F.rules(o2) == ["AP-MON-1:fail"])
        #expect(o2.findings.first?.evidence.first?.spanID == F.hex(2))
    }

    @Test func jsonLinesBatchesOfOneTraceJoinIntoOneRun() throws {
        // Two batches of one trace, as the file exporter writes them; the run's tool and sub-agent arrive in
        // the second batch, ids in upper case, 64-bit integers as numbers, structured attributes both ways.
        let first = F.traces([F.agent(1, agentID: "agt_main"), F.chat(2, parent: 1, input: 5, output: 5)])
        let second = F.traces([
            F.tool(3, parent: 1, name: "lookup").replacingOccurrences(of: F.hex(3), with: F.hex(3).uppercased())
                .replacingOccurrences(of: #""startTimeUnixNano": "1000""#, with: #""startTimeUnixNano": 1000"#),
            F.span(
                4, parent: 1, name: "invoke_agent helper",
                [
                    ("gen_ai.operation.name", F.s("invoke_agent")), ("gen_ai.agent.id", F.s("agt_helper")),
                    (
                        "gen_ai.input.messages",
                        #"{"arrayValue": {"values": [{"kvlistValue": {"values": [{"key": "role", "value": {"stringValue": "user"}}]}}]}}"#
                    ),
                    ("gen_ai.output.messages", F.s(#"[{\"role\": \"assistant\"}]"#)),
                    ("gen_ai.usage.output_tokens", #"{"intValue": 12}"#),
                ]),
        ])
        let runs = try F.judge(first + "\n" + second + "\n\n")
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.run.toolCalls.map(\.spanID) == [F.hex(3)])
        #expect(run.run.spawns.map(\.identity) == ["agt_helper"])
        #expect(run.summary.tokens == 10)
        #expect(run.run.orphanSpanIDs.isEmpty)
    }

    @Test func runSplitAcrossFilesInAFolderJoinsByTraceID() throws {
        let folder = try TemporaryFolder()
        try folder.write("traces/a.json", F.traces([F.agent(1, agentID: "agt_main")]))
        try folder.write("traces/b.jsonl", F.traces([F.tool(2, parent: 1, name: "lookup")]) + "\n")
        try folder.write("traces/notes.txt", "not a trace")
        var reader = OTLPJSONReader()
        try reader.read(path: folder.url("traces"))
        let runs = TraceRunBuilder.runs(reader.spans)
        #expect(runs.count == 1 && runs.first?.toolCalls.count == 1 && runs.first?.orphanSpanIDs == [])
    }

    @Test func hostileInputsAreBoundedAndNeverCrash() throws {
        // A parent cycle: resolved once, cut, and reported as an incomplete tree.
        let cycle = F.traces([
            F.agent(1, parent: 2, agentID: "a"), F.span(2, parent: 1, name: "x"), F.tool(3, parent: 2, name: "t"),
        ])
        let runs = try F.judge(cycle)
        #expect(runs.count <= 1)
        // Invalid ids are skipped with a warning; a duplicated span counts once.
        var reader = OTLPJSONReader()
        let bad = F.traces([
            F.agent(1, agentID: "a").replacingOccurrences(of: F.trace, with: "zz"), F.agent(1, agentID: "a"),
            F.agent(1, agentID: "a"),
        ])
        try reader.read(bytes: Array(bad.utf8), source: "bad.json")
        #expect(reader.spans.count == 2 && reader.warnings.count == 1)
        #expect(TraceRunBuilder.runs(reader.spans).count == 1)
        // A truncated line is an error (exit 2), never a silently shorter trace.
        var truncated = OTLPJSONReader()
        #expect(throws: StemmaError.self) {
            try truncated.read(
                bytes: Array((F.traces([F.agent(1, agentID: "a")]) + "\n{\"resourceSpans\": [").utf8), source: "t")
        }
        // A deep chain is resolved without recursion.
        var chain = [F.agent(1, agentID: "root")]
        for id in 2...20_000 { chain.append(F.span(id, parent: id - 1, name: "step")) }
        chain.append(F.tool(20_001, parent: 20_000, name: "deep"))
        let deep = try F.judge(F.traces(chain))
        #expect(deep.first?.run.toolCalls.count == 1)
    }
}
