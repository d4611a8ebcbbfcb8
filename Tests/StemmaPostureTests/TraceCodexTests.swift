import Foundation
import StemmaCore
import StemmaPosture
import Testing

/// Codex traces form runs. The shape is `codex-rs` as exported through `tracing-opentelemetry`: a `session_loop`
/// root, a `turn` span named `session_task.turn` (`thread.id`, `turn.id`, `codex.turn.token_usage.*`), response
/// spans with `gen_ai.usage.*` and `codex.usage.*`, one span per tool call named after the tool (`tool_name`,
/// `call_id`) carrying a `codex.tool_result` event, and `codex.tool_decision` log records (`call_id`,
/// `decision`, `source`) as approval evidence.
@Suite struct TraceCodexTests {
    typealias F = TraceFixture

    static let conversation = "0199a7c4-3e1b-7d52-9f3a-2b8c1d4e5f60"

    /// `codex.tool_result` on the span of the call, as `SessionTelemetry::tool_result_with_tags` traces it.
    static func toolSpan(_ id: Int, tool: String, call: String) -> String {
        F.span(
            id, parent: 4, name: tool,
            [("tool_name", F.s(tool)), ("call_id", F.s(call)), ("aborted", #"{"boolValue": false}"#)],
            events: [
                F.event(
                    "codex.tool_result",
                    [
                        ("tool_name", F.s(tool)), ("call_id", F.s(call)), ("duration_ms", F.s("41")),
                        ("success", F.s("true")), ("arguments_length", F.i(52)), ("tool_origin", F.s("builtin")),
                        ("conversation.id", F.s(conversation)), ("model", F.s("gpt-5-codex")),
                    ])
            ])
    }

    /// A Codex session with one turn calling `tools` (name, call id).
    static func session(_ tools: [(String, String)]) -> String {
        var spans = [
            F.span(1, parent: nil, name: "session_loop", [("thread_id", F.s(conversation))]),
            F.span(2, parent: 1, name: "op.dispatch.user_input", [("codex.op", F.s("user_input"))]),
            F.span(
                3, parent: 2, name: "session_task.turn",
                [
                    ("thread.id", F.s(conversation)), ("turn.id", F.s("1")), ("model", F.s("gpt-5-codex")),
                    ("codex.turn.reasoning_effort", F.s("medium")),
                    ("codex.turn.token_usage.input_tokens", F.i(1200)),
                    ("codex.turn.token_usage.cached_input_tokens", F.i(800)),
                    ("codex.turn.token_usage.output_tokens", F.i(80)),
                    ("codex.turn.token_usage.total_tokens", F.i(1280)),
                ],
                events: [
                    F.event(
                        "codex.user_prompt",
                        [("prompt_length", F.s("31")), ("conversation.id", F.s(conversation))])
                ]),
            F.span(4, parent: 3, name: "run_turn"),
            // A response span: the same tokens per request, and no gen_ai.operation.name (Codex's own names).
            F.span(
                5, parent: 4, name: "completed",
                [
                    ("from", F.s("output_item_done")), ("gen_ai.usage.input_tokens", F.i(1200)),
                    ("gen_ai.usage.output_tokens", F.i(80)), ("codex.usage.total_tokens", F.i(1280)),
                ]),
        ]
        for (offset, tool) in tools.enumerated() { spans.append(toolSpan(10 + offset, tool: tool.0, call: tool.1)) }
        return F.traces(service: "codex_cli_rs", spans)
    }

    /// A `codex.tool_decision` log record (`SessionTelemetry::tool_decision`; the decision lowercased).
    static func decision(call: String, tool: String, decision: String, source: String) -> String {
        let attributes = F.attributeList([
            ("event.name", F.s("codex.tool_decision")), ("tool_name", F.s(tool)), ("call_id", F.s(call)),
            ("decision", F.s(decision)), ("source", F.s(source)), ("conversation.id", F.s(conversation)),
        ])
        return #"{"resourceLogs": [{"resource": {"attributes": []}, "scopeLogs": [{"logRecords": [{"#
            + #""traceId": "\#(F.trace)", "timeUnixNano": "1006", "severityNumber": 9, "attributes": [\#(attributes)]}]}]}]}"#
    }

    static let policy =
        F.policyHeader
            + """
              permissions:
                denied_tools: [shell]
              execution:
                max_tool_calls_per_run: 2
                max_tokens_per_run: 5000
                max_sub_agents: 0
                requires_human_approval: [any_write_operation]

            """

    @Test func aCodexTurnIsARunWithItsToolsTokensAndSpawns() throws {
        let text = Self.session([("shell", "call_sh"), ("apply_patch", "call_ap"), ("spawn_agent", "call_sp")])
        let runs = try F.judge(text, policy: Self.policy)
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run.run.emitter == "codex" && run.run.agent == "codex_cli_rs" && run.run.rootSpanID == F.hex(3))
        #expect(
            run.run.toolCalls.map { "\($0.name ?? "")/\($0.callID ?? "")" } == ["shell/call_sh", "apply_patch/call_ap"])
        #expect(run.run.toolCalls.allSatisfy { $0.caller == "codex_cli_rs" })
        #expect(run.run.spawns.map(\.spanID) == [F.hex(12)] && run.run.spawns.first?.hasOwnID == false)
        // The turn's total only: the response span repeats it.
        #expect(run.summary.tokens == 1280)
        #expect(run.run.orphanSpanIDs.isEmpty && run.run.monitoringGaps.isEmpty)
    }

    @Test func rulesFireOnACodexRunAndStayQuietOnItsBenignTwin() throws {
        let risky = Self.session([
            ("shell", "call_sh"), ("apply_patch", "call_ap"), ("spawn_agent", "call_sp"), ("read", "call_rd"),
        ])
        let byConfig = Self.decision(call: "call_ap", tool: "apply_patch", decision: "approved", source: "Config")
        let run = try #require(try F.judge(risky + "\n" + byConfig, policy: Self.policy).first)
        #expect(
            F.rules(run).sorted() == [
                "AP-EXEC-1:fail", "AP-EXEC-2:fail", "AP-EXEC-3:fail", "AP-EXEC-3:fail", "AP-ID-3:fail",
                "AP-PERM-1:fail",
            ])
        let perm = try #require(run.findings.first { $0.rule.id == "AP-PERM-1" })
        #expect(perm.evidence.first?.traceID == F.trace && perm.evidence.first?.spanID == F.hex(10))
        // The shell (code execution) and the patch, approved by config rather than a person, both lack approval.
        let approvals = run.findings.filter { $0.rule.id == "AP-EXEC-3" }.compactMap { $0.evidence.first?.spanID }
        #expect(approvals == [F.hex(10), F.hex(11)])
        for finding in run.findings {
            #expect(finding.evidence.allSatisfy { $0.traceID == F.trace && $0.spanID?.count == 16 })
        }
        // The twin: a read and a patch the user approved, within every limit.
        let benign = Self.session([("apply_patch", "call_ap"), ("read", "call_rd")])
        let human = Self.decision(call: "call_ap", tool: "apply_patch", decision: "approved", source: "User")
        #expect(F.rules(try #require(try F.judge(benign + "\n" + human, policy: Self.policy).first)) == [])
        // Without any tool_decision record the approval is unverified, never a pass.
        #expect(F.rules(try #require(try F.judge(benign, policy: Self.policy).first)) == ["AP-EXEC-3:unverified"])
        // Approved with a proposed exec-policy rule is an approval; a denial or a timeout is not.
        let amended = Self.decision(
            call: "call_ap", tool: "apply_patch", decision: "approved_execpolicy_amendment", source: "User")
        #expect(F.rules(try #require(try F.judge(benign + "\n" + amended, policy: Self.policy).first)) == [])
        for refusal in ["denied", "timed_out"] {
            let denied = Self.decision(call: "call_ap", tool: "apply_patch", decision: refusal, source: "User")
            let judged = try #require(try F.judge(benign + "\n" + denied, policy: Self.policy).first)
            #expect(F.rules(judged) == ["AP-EXEC-3:fail"])
        }
    }

    @Test func codexToolEventsWithoutATurnSpanOrCallIDAreStillJudged() throws {
        // A tool result recorded without a call id (`log_tool_failed`), in a trace whose turn span was not exported.
        let orphaned = F.traces(
            service: "codex_cli_rs",
            [
                F.span(1, parent: nil, name: "session_loop"),
                F.span(
                    2, parent: 1, name: "shell",
                    events: [F.event("codex.tool_result", [("tool_name", F.s("shell")), ("success", F.s("false"))])]),
            ])
        let run = try #require(try F.judge(orphaned, policy: Self.policy).first)
        #expect(run.run.agent == "codex_cli_rs" && run.run.toolCalls.map(\.name) == ["shell"])
        #expect(F.rules(run) == ["AP-PERM-1:fail", "AP-EXEC-3:unverified", "AP-MON-1:fail"])
        let gaps = run.run.monitoringGaps.flatMap(\.missing)
        #expect(gaps.contains("invoke_agent span") && gaps.contains("gen_ai.tool.call.id"))
    }

    /// Older Codex builds record `codex.tool_result` on the turn span itself (no per-tool span): still a call,
    /// made by the turn's agent, with no monitoring gap.
    @Test func aToolResultOnTheTurnSpanItselfIsACallOfThatTurn() throws {
        let turn = F.traces(
            service: "codex_cli_rs",
            [
                F.span(
                    1, parent: nil, name: "session_task.turn", [("codex.turn.token_usage.input_tokens", F.i(5))],
                    events: [
                        F.event("codex.tool_result", [("tool_name", F.s("read")), ("call_id", F.s("c1"))])
                    ])
            ])
        let run = try #require(try F.judge(turn, policy: Self.policy).first)
        #expect(run.run.rootSpanID == F.hex(1) && run.run.spawns.isEmpty && run.summary.tokens == 5)
        #expect(run.run.toolCalls.map { "\($0.caller):\($0.name ?? "")" } == ["codex_cli_rs:read"])
        #expect(F.rules(run) == [])
    }

    /// A sub-agent whose own turn nests under the `spawn_agent` call's span is one spawn, not two.
    @Test func aNestedSubAgentTurnUnderSpawnAgentIsOneSpawn() throws {
        var text = Self.session([("spawn_agent", "call_sp")])
        let child = F.span(
            20, parent: 10, name: "session_task.turn",
            [("thread.id", F.s("child")), ("gen_ai.agent.id", F.s("worker"))])
        text = text.replacingOccurrences(of: #""spans": ["#, with: #""spans": [\#(child), "#)
        let run = try #require(try F.judge(text, policy: Self.policy).first)
        #expect(run.run.spawns.map(\.spanID) == [F.hex(20)] && run.run.spawns.first?.hasOwnID == true)
        #expect(run.run.toolCalls.isEmpty && F.rules(run) == ["AP-EXEC-2:fail"])
    }
}
