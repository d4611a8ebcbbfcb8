import Foundation
import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// Each runtime rule fires on its case and stays quiet on its benign twin; every finding names trace and span.
@Suite struct TraceRuleTests {
    typealias F = TraceFixture

    static func policy(_ body: String) -> String { F.policyHeader + body }

    @Test func toolCallAndTokenLimitsAreExec1() throws {
        let policy = Self.policy("  execution:\n    max_tool_calls_per_run: 2\n    max_tokens_per_run: 100\n")
        let over = F.traces([
            F.agent(1, agentID: "a"), F.tool(2, parent: 1, name: "lookup"), F.tool(3, parent: 1, name: "lookup"),
            F.tool(4, parent: 1, name: "lookup"), F.chat(5, parent: 1, input: 90, output: 11),
        ])
        let run = try #require(try F.judge(over, policy: policy).first)
        #expect(F.rules(run) == ["AP-EXEC-1:fail", "AP-EXEC-1:fail"])
        let evidence = try #require(run.findings.first?.evidence.first)
        #expect(evidence.traceID == F.trace && evidence.spanID == F.hex(1))
        let within = F.traces([
            F.agent(1, agentID: "a"), F.tool(2, parent: 1, name: "lookup"), F.tool(3, parent: 1, name: "lookup"),
            F.chat(5, parent: 1, input: 90, output: 10),
        ])
        #expect(F.rules(try #require(try F.judge(within, policy: policy).first)) == [])
    }

    @Test func spawnsOverLimitAreExec2AndSharedIdentityIsID3() throws {
        let policy = Self.policy("  execution:\n    max_sub_agents: 1\n")
        let over = F.traces([
            F.agent(1, agentID: "boss"), F.agent(2, parent: 1, agentID: "boss"), F.agent(3, parent: 1, agentID: "w2"),
        ])
        let run = try #require(try F.judge(over, policy: policy).first)
        #expect(F.rules(run) == ["AP-EXEC-2:fail", "AP-ID-3:fail"])
        #expect(run.findings.last?.evidence.first?.spanID == F.hex(2))
        let twin = F.traces([F.agent(1, agentID: "boss"), F.agent(2, parent: 1, agentID: "w1")])
        #expect(F.rules(try #require(try F.judge(twin, policy: policy).first)) == [])
    }

    @Test func claudeCodeSubAgentsComeFromAgentIDs() throws {
        let policy = Self.policy("  execution:\n    max_sub_agents: 1\n")
        func request(_ id: Int, agent: String, parent: String) -> String {
            F.span(
                id, parent: 1, name: "claude_code.llm_request",
                [("agent_id", F.s(agent)), ("parent_agent_id", F.s(parent)), ("input_tokens", F.i(1))])
        }
        let root = F.span(1, parent: nil, name: "claude_code.interaction")
        let one = F.traces(
            service: "cc", [root, request(2, agent: "sub1", parent: "main"), request(3, agent: "sub1", parent: "main")])
        let single = try #require(try F.judge(one, policy: policy).first)
        #expect(single.run.spawns.map(\.identity) == ["sub1"] && single.run.spawns.first?.hasOwnID == true)
        #expect(F.rules(single) == [])
        let two = F.traces(
            service: "cc", [root, request(2, agent: "sub1", parent: "main"), request(3, agent: "main", parent: "main")])
        let run = try #require(try F.judge(two, policy: policy).first)
        #expect(F.rules(run) == ["AP-EXEC-2:fail", "AP-ID-3:fail"])
        #expect(run.findings.last?.evidence.first?.spanID == F.hex(3))
    }

    /// Tool classes come from the inventory: the agent's MCP snapshot makes one call external and one a write.
    @Test func inventoryClassesDecideExternalCallsAndWrites() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "agt_main"))
        try fleet.write(
            "a/mcp-config.json",
            #"{"mcpServers": {"tickets": {"type": "local", "command": "npx", "args": ["-y", "@acme/t@1.2.0"], "tools": ["*"]}}}"#
        )
        try fleet.write(
            "a/tickets.tools-list.json",
            """
            {"tools": [{"name": "create_ticket", "inputSchema": {"type": "object"},
                        "annotations": {"readOnlyHint": false, "destructiveHint": false, "openWorldHint": false}},
                       {"name": "search_web", "inputSchema": {"type": "object"},
                        "annotations": {"readOnlyHint": true, "openWorldHint": true}}]}
            """)
        let policy = Self.policy("  execution:\n    requires_human_approval: [any_write_operation]\n")
        var report = try fleet.report(policy: policy)
        let traces = try fleet.folder.write(
            "t.json",
            F.traces([
                F.agent(1, agentID: "agt_main"), F.tool(2, parent: 1, name: "mcp__tickets__create_ticket"),
                F.tool(3, parent: 1, name: "mcp__tickets__search_web"),
            ]))
        let policies = try PosturePolicyLoader.parse(Array(policy.utf8), source: "policy.yaml")
        try report.addTraces(path: traces, policies: policies, history: nil)
        let run = try #require(report.runs.first)
        #expect(run.summary.externalCalls == 1)
        #expect(F.rules(run) == ["AP-EXEC-3:unverified"])
        #expect(run.findings.first?.evidence.first?.spanID == F.hex(2))
    }

    @Test func deniedAndNonAllowedToolsArePerm1WithMCPPrefixesNormalised() throws {
        let denied = Self.policy("  permissions:\n    denied_tools: [execute_code, shell/run]\n")
        let calls = F.traces([
            F.agent(1, agentID: "a"), F.tool(2, parent: 1, name: "mcp__sandbox__execute_code"),
            F.tool(3, parent: 1, name: "mcp__shell__run"), F.tool(4, parent: 1, name: "lookup"),
        ])
        let run = try #require(try F.judge(calls, policy: denied).first)
        #expect(F.rules(run) == ["AP-PERM-1:fail", "AP-PERM-1:fail"])
        #expect(run.findings.map { $0.evidence.first?.spanID } == [F.hex(2), F.hex(3)])
        let allow = Self.policy("  permissions:\n    allowed_tools: [lookup, \"mcp__docs__*\"]\n")
        let outside = try #require(try F.judge(calls, policy: allow).first)
        #expect(F.rules(outside) == ["AP-PERM-1:fail", "AP-PERM-1:fail"])
        let benign = F.traces([
            F.agent(1, agentID: "a"), F.tool(2, parent: 1, name: "lookup"),
            F.tool(3, parent: 1, name: "mcp__docs__get"),
        ])
        #expect(F.rules(try #require(try F.judge(benign, policy: allow).first)) == [])
        #expect(F.rules(try #require(try F.judge(benign, policy: denied).first)) == [])
    }

    /// `denied_capabilities` at run time: a called tool whose classes (built-in table here) include one.
    @Test func aToolWithADeniedCapabilityIsPerm1() throws {
        let policy = Self.policy("  permissions:\n    denied_capabilities: [shell, network_egress]\n")
        let calls = F.traces([
            F.agent(1, agentID: "a"), F.tool(2, parent: 1, name: "Bash"), F.tool(3, parent: 1, name: "WebFetch"),
            F.tool(4, parent: 1, name: "Read"),
        ])
        let run = try #require(try F.judge(calls, policy: policy).first)
        #expect(F.rules(run) == ["AP-PERM-1:fail", "AP-PERM-1:fail"])
        #expect(run.findings.map { $0.evidence.first?.spanID } == [F.hex(2), F.hex(3)])
        #expect(run.findings.allSatisfy { $0.evidence.first?.traceID == F.trace })
        #expect(run.findings.first?.message.contains("denied capability shell") == true)
        let benign = F.traces([F.agent(1, agentID: "a"), F.tool(4, parent: 1, name: "Read")])
        #expect(F.rules(try #require(try F.judge(benign, policy: policy).first)) == [])
    }

    @Test func writeWithoutRecordedApprovalIsExec3() throws {
        let policy = Self.policy("  execution:\n    requires_human_approval: [any_write_operation]\n")
        let spans = F.traces(
            service: "claude-code",
            [
                F.span(1, parent: nil, name: "claude_code.interaction"),
                F.span(
                    2, parent: 1, name: "claude_code.tool", [("tool_name", F.s("Write")), ("tool_use_id", F.s("tu1"))]),
                F.span(
                    3, parent: 1, name: "claude_code.tool", [("tool_name", F.s("Read")), ("tool_use_id", F.s("tu2"))]),
            ])
        let human = F.decision(
            event: "claude_code.tool_decision", callID: "tu1", decision: "accept", source: "user_temporary")
        #expect(F.rules(try #require(try F.judge(spans + "\n" + human, policy: policy).first)) == [])
        let config = F.decision(event: "claude_code.tool_decision", callID: "tu1", decision: "accept", source: "config")
        let byConfig = try #require(try F.judge(spans + "\n" + config, policy: policy).first)
        #expect(F.rules(byConfig) == ["AP-EXEC-3:fail"])
        #expect(byConfig.findings.first?.evidence.first?.spanID == F.hex(2))
        // The emitter records decisions (one for the Read) but none for the Write: fail.
        let other = F.decision(event: "claude_code.tool_decision", callID: "tu2", decision: "accept", source: "config")
        #expect(F.rules(try #require(try F.judge(spans + "\n" + other, policy: policy).first)) == ["AP-EXEC-3:fail"])
        // No decisions at all (semconv records none): unverified, never a pass.
        #expect(F.rules(try #require(try F.judge(spans, policy: policy).first)) == ["AP-EXEC-3:unverified"])
        // Codex's event name works the same way.
        let codex = F.decision(event: "codex.tool_decision", callID: "tu1", decision: "approved", source: "User")
        #expect(F.rules(try #require(try F.judge(spans + "\n" + codex, policy: policy).first)) == [])
    }

    @Test func genAISpansLackingAttributesAreMon1AndPlainSpansAreExempt() throws {
        let gaps = F.traces([
            F.agent(1, agentID: "a"),
            F.span(2, parent: 1, name: "tool", [("gen_ai.tool.name", F.s("lookup"))]),  // no operation name
            F.span(
                3, parent: 1, name: "execute_tool lookup",
                [("gen_ai.operation.name", F.s("execute_tool")), ("gen_ai.tool.name", F.s("lookup"))]),  // no call id
        ])
        let run = try #require(try F.judge(gaps).first)
        #expect(F.rules(run) == ["AP-MON-1:fail"])
        #expect(run.findings.first?.evidence.compactMap(\.spanID) == [F.hex(2), F.hex(3)])
        let plain = F.traces([
            F.agent(1, agentID: "a"),
            F.span(2, parent: 1, name: "GET /x", kind: 3, [("http.request.method", F.s("GET"))]),
            F.span(3, parent: 1, name: "SELECT", kind: 3, [("db.system.name", F.s("postgresql"))]),
        ])
        #expect(F.rules(try #require(try F.judge(plain).first)) == [])
    }

    @Test func toolSpansWithoutAnAgentSpanAreStillJudged() throws {
        let policy = Self.policy("  permissions:\n    denied_tools: [Bash]\n")
        let agentless = F.traces(
            service: "bare", [F.span(1, parent: nil, name: "root"), F.tool(2, parent: 1, name: "Bash")])
        let run = try #require(try F.judge(agentless, policy: policy).first)
        #expect(run.run.agent == "bare" && run.run.toolCalls.count == 1)
        #expect(F.rules(run) == ["AP-PERM-1:fail", "AP-MON-1:fail"])
        let plain = F.traces([F.span(1, parent: nil, name: "GET /", kind: 2, [("http.request.method", F.s("GET"))])])
        #expect(try F.judge(plain, policy: policy).isEmpty)
    }

    @Test func orphanSpansAreMon2AndTheirToolsStillCount() throws {
        let orphan = F.traces([F.agent(1, agentID: "a"), F.tool(3, parent: 99, name: "lookup")])
        let run = try #require(try F.judge(orphan).first)
        #expect(F.rules(run) == ["AP-MON-2:fail"])
        #expect(run.run.toolCalls.count == 1)
        #expect(run.findings.first?.evidence.first?.spanID == F.hex(3))
        let complete = F.traces([F.agent(1, agentID: "a"), F.tool(3, parent: 1, name: "lookup")])
        #expect(F.rules(try #require(try F.judge(complete).first)) == [])
    }

    /// 30 earlier runs of 2 tool calls each (mean 2): 21 calls (10.5×) is flagged, 20 (exactly 10×) and 18 (9×)
    /// are not.
    @Test func baselineFlagsATenAndAHalfTimesSpikeOnly() throws {
        var history: [RunSummary] = []
        for index in 0..<30 {
            history.append(
                RunSummary(
                    agent: "a", traceID: String(format: "%032x", index + 1), rootSpanID: F.hex(1),
                    startNanos: UInt64(index), toolCalls: 2, externalCalls: 0, subAgentSpawns: 0, tokens: 100))
        }
        func run(calls: Int) throws -> TraceRunResult {
            var spans = [F.agent(1, agentID: "a", start: 1_000)]
            for call in 0..<calls { spans.append(F.tool(10 + call, parent: 1, name: "lookup")) }
            return try #require(try F.judge(F.traces(spans), history: history).first)
        }
        let spike = try run(calls: 21)
        #expect(F.rules(spike) == ["AP-EXEC-4:fail"])
        let message = try #require(spike.findings.first?.message)
        #expect(message.contains("tool_calls=21") && message.contains("mean 2.00") && message.contains("last 30 runs"))
        let check = try #require(spike.baseline.first { $0.metric == "tool_calls" })
        #expect(check.window == 30 && check.factor == 10 && check.flagged)
        #expect(F.rules(try run(calls: 20)) == [])
        #expect(F.rules(try run(calls: 18)) == [])
        // The policy's monitoring block: alerts off, another metric, another factor.
        func judged(calls: Int, _ monitoring: String) throws -> [String] {
            var spans = [F.agent(1, agentID: "a", start: 1_000)]
            for call in 0..<calls { spans.append(F.tool(10 + call, parent: 1, name: "lookup")) }
            let policy = Self.policy("  monitoring:\n" + monitoring)
            return F.rules(try #require(try F.judge(F.traces(spans), policy: policy, history: history).first))
        }
        #expect(try judged(calls: 21, "    alert_on_baseline_deviation: false\n") == [])
        #expect(try judged(calls: 21, "    baseline: {metric: external_calls}\n") == [])
        #expect(try judged(calls: 11, "    baseline: {factor: 5}\n") == ["AP-EXEC-4:fail"])
        #expect(try judged(calls: 10, "    baseline: {factor: 5}\n") == [])
        // Fewer than 10 earlier runs: no judgement.
        var short = OTLPJSONReader()
        try short.read(bytes: Array(F.traces([F.agent(1, agentID: "a")]).utf8), source: "t")
        var warnings: [String] = []
        let few = TraceEvaluator.evaluate(
            TraceRunBuilder.runs(short.spans), policies: [], agents: [], decisions: [],
            history: Array(history.prefix(9)), warnings: &warnings)
        #expect(few.first?.baseline == [] && few.first?.baselineRuns == 9)
        // The window is the last 30: older, larger runs fall out of it.
        let baseline = RunBaseline()
        var old = history
        for index in 0..<5 { old[index].toolCalls = 1_000 }
        let judged = RunSummary(
            agent: "a", traceID: "f", rootSpanID: "r", startNanos: 99, toolCalls: 21, externalCalls: 0,
            subAgentSpawns: 0, tokens: 0)
        #expect(baseline.check(judged, earlier: (old + history)[...]).first?.flagged == true)
        // A zero mean uses the floor: 10 calls is not an anomaly, 11 is.
        let zeros = history.map {
            var copy = $0; copy.externalCalls = 0; return copy
        }
        var ten = judged
        ten.externalCalls = 10
        #expect(baseline.check(ten, earlier: zeros[...]).first { $0.metric == "external_calls" }?.flagged == false)
        ten.externalCalls = 11
        #expect(baseline.check(ten, earlier: zeros[...]).first { $0.metric == "external_calls" }?.flagged == true)
    }

    @Test func historyIsCreatedAppendedAtomicallyAndNeverDuplicated() throws {
        let folder = try TemporaryFolder()
        let traces = try folder.write("t.json", F.traces([F.agent(1, agentID: "a"), F.tool(2, parent: 1, name: "x")]))
        let history = folder.url("runs.jsonl")
        var report = PostureAnalysis.evaluate([], policies: [])
        try report.addTraces(path: traces, policies: [], history: history)
        let first = try RunHistory.read(history)
        #expect(first.count == 1 && first.first?.toolCalls == 1 && first.first?.traceID == F.trace)
        try report.addTraces(path: traces, policies: [], history: history)
        #expect(try RunHistory.read(history).count == 1)
        let text = try String(contentsOfFile: history, encoding: .utf8)
        #expect(text.hasSuffix("\n") && text.split(separator: "\n").count == 1)
        let json = JSONWriter().string(report.jsonValue())
        #expect(json.contains(#""traceId":"\#(F.trace)""#) && json.contains(#""rootSpanId":"\#(F.hex(1))""#))
        try "{\"schema\": \"other\"}\n".write(toFile: history, atomically: true, encoding: .utf8)
        #expect(throws: StemmaError.self) { try report.addTraces(path: traces, policies: [], history: history) }
    }
}

/// A run is judged by the policy the static report gives its agent.
@Suite struct TracePolicyChoiceTests {
    typealias F = TraceFixture

    @Test func aSubAgentsRunIsJudgedByItsParentsNamedPolicyNotABareWildcard() throws {
        let policies = """
            - agent_posture_policy: {identity: {agent_id: "*"}}
            - agent_posture_policy: {identity: {agent_id: parent}, execution: {max_tool_calls_per_run: 1}}
            """
        let trace = F.traces([
            F.agent(1, agentID: "child"), F.tool(2, parent: 1, name: "lookup"), F.tool(3, parent: 1, name: "lookup"),
        ])
        var reader = OTLPJSONReader()
        try reader.read(bytes: Array(trace.utf8), source: "traces.jsonl")
        let loaded = try PosturePolicyLoader.parse(Array(policies.utf8), source: "policy.yaml")
        var parent = AgentPosture(id: "parent", name: "parent", platforms: ["stemma"], hasStableID: true)
        parent.owner = "team"
        var child = AgentPosture(id: "child", name: "child", platforms: ["claude-code"], hasStableID: true)
        child.parent = "parent"
        func judge(_ agents: [AgentPosture]) -> [String] {
            var warnings: [String] = []
            let results = TraceEvaluator.evaluate(
                TraceRunBuilder.runs(reader.spans), policies: loaded, agents: agents, decisions: [], history: [],
                warnings: &warnings)
            return results.flatMap { F.rules($0) }
        }
        // Known as the parent's sub-agent: the parent's named policy (one tool call a run) governs.
        #expect(judge([parent, child]) == ["AP-EXEC-1:fail"])
        // Unknown to the inventory: only the bare "*" matches, which sets no limit.
        #expect(judge([]) == [])
    }
}
