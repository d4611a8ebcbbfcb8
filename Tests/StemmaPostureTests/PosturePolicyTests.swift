import StemmaCore
import StemmaTestSupport
import Testing

@testable import StemmaPosture

@Suite struct PosturePolicyTests {
    @Test func seedPolicyLoadsUnchanged() throws {
        let policies = try PosturePolicyLoader.load(path: PostureFleet.fixture("agent_posture_policy.seed.yaml"))
        #expect(policies.count == 1)
        let policy = try #require(policies.first)
        #expect(policy.agentID == "compliance-report-agent")
        #expect(policy.credentialScope == ["read:accounts", "read:transactions"])
        #expect(policy.allowedTools == ["document_summarizer", "compliance_template_renderer"])
        #expect(policy.deniedTools == ["code_executor", "shell_access"])
        #expect(policy.maxToolCallsPerRun == 25)
        #expect(policy.maxSubAgents == 0)
        #expect(policy.requiresApprovalForWrites)
        #expect(policy.scopeBound == ["read:accounts", "read:transactions"])
        #expect(policy.source.line == 2)
    }

    @Test func stemmaSupersetLoads() throws {
        let policy = try #require(
            PosturePolicyLoader.load(path: PostureFleet.fixture("agent_posture_policy.stemma.yaml")).first)
        #expect(policy.requireSignedCard)
        #expect(policy.deniedCapabilities == [.codeExecution, .shell, .filesystemWrite, .networkEgress])
        #expect(policy.maxScope == ["read:accounts", "read:transactions"])
        #expect(!policy.inheritParentCredentials)
        #expect(policy.forbidTrifecta)
    }

    @Test func aSequenceAndSeveralDocumentsEachHoldPolicies() throws {
        let list = """
            - agent_posture_policy: {identity: {agent_id: a}}
            - agent_posture_policy: {identity: {agent_id: "b-*"}}
            """
        #expect(try PosturePolicyLoader.parse(Array(list.utf8), source: "l").map(\.agentID) == ["a", "b-*"])
        let documents = """
            agent_posture_policy: {identity: {agent_id: a}}
            ---
            agent_posture_policy: {identity: {agent_id: b}}
            """
        #expect(try PosturePolicyLoader.parse(Array(documents.utf8), source: "d").map(\.agentID) == ["a", "b"])
    }

    @Test(arguments: [
        "agent_posture_policy: {identity: {credential_scope: x}}",  // no agent_id
        "agent_posture_policy: {identity: {agent_id: a}, permissions: {denied_capabilities: [teleport]}}",
        "something_else: {}",
        "agent_posture_policy: [unclosed",
        "agent_posture_policy: just-a-string",
    ])
    func badPoliciesAreErrors(_ text: String) {
        #expect(throws: StemmaError.self) { try PosturePolicyLoader.parse(Array(text.utf8), source: "bad.yaml") }
    }

    @Test func mostSpecificPolicyWinsAndATieWarns() throws {
        let text = """
            - agent_posture_policy: {identity: {agent_id: "*"}}
            - agent_posture_policy: {identity: {agent_id: "cx-*"}}
            - agent_posture_policy: {identity: {agent_id: "cx-faq"}}
            - agent_posture_policy: {identity: {agent_id: "ops-?"}}
            - agent_posture_policy: {identity: {agent_id: "ops-*"}}
            - agent_posture_policy: {identity: {agent_id: "o*-1"}}
            """
        let policies = try PosturePolicyLoader.parse(Array(text.utf8), source: "p")
        var warnings: [String] = []
        #expect(PostureAnalysis.match("cx-faq", policies: policies, warnings: &warnings)?.agentID == "cx-faq")
        #expect(PostureAnalysis.match("cx-bot", policies: policies, warnings: &warnings)?.agentID == "cx-*")
        #expect(PostureAnalysis.match("zeta", policies: policies, warnings: &warnings)?.agentID == "*")
        #expect(warnings.isEmpty)
        // "ops-?" and "ops-*" both have four literal characters: a tie, reported, the first one used.
        #expect(PostureAnalysis.match("ops-1", policies: policies, warnings: &warnings)?.agentID == "ops-?")
        #expect(warnings.count == 1)
        #expect(PostureAnalysis.match("x", policies: [], warnings: &warnings) == nil)
    }

    @Test func globMatchesWithoutBacktrackingBlowUp() {
        #expect(Glob.matches(pattern: Array("a*b*c"), text: Array("axxbyyc")))
        #expect(!Glob.matches(pattern: Array("a*b*c"), text: Array("axxbyy")))
        let long = String(repeating: "a", count: 5_000)
        #expect(!Glob.matches(pattern: Array(String(repeating: "*a", count: 50) + "b"), text: Array(long)))
    }
}

@Suite struct AgentCardSignatureTests {
    @Test func jcsSortsMembersAndEscapesMinimally() throws {
        let value = try JSONParser.parse(
            Array(#"{"b": [1, true, null], "a": "x\"y\u0001é/", "A": {"z": 0, "y": -5}}"#.utf8), source: "t")
        let canonical = try JCS.canonical(value)
        #expect(
            String(decoding: canonical, as: UTF8.self) == #"{"A":{"y":-5,"z":0},"a":"x\"y\u0001é/","b":[1,true,null]}"#)
        let float = try JSONParser.parse(Array(#"{"n": 1.50}"#.utf8), source: "t")
        #expect(String(decoding: try JCS.canonical(float), as: UTF8.self) == #"{"n":1.5}"#)
    }

    @Test func unsignedAndMalformedSignaturesNeverVerify() throws {
        let jwks = try JSONParser.parse(Array(#"{"keys": []}"#.utf8), source: "k")
        let unsigned = try JSONParser.parse(Array(#"{"name": "a"}"#.utf8), source: "c")
        #expect(AgentCardSignature.verify(card: unsigned, jwks: jwks) == .invalid("unsigned"))
        let garbage = try JSONParser.parse(
            Array(#"{"name": "a", "signatures": [{"protected": "!!", "signature": "AA"}]}"#.utf8), source: "c")
        guard case .invalid(let reason) = AgentCardSignature.verify(card: garbage, jwks: jwks) else {
            Issue.record("a malformed signature must be invalid")
            return
        }
        #expect(reason.contains("not a flattened JWS"))
        let none = try JSONParser.parse(
            Array(#"{"name": "a", "signatures": [{"protected": "eyJhbGciOiJub25lIn0", "signature": ""}]}"#.utf8),
            source: "c")
        if case .invalid = AgentCardSignature.verify(card: none, jwks: jwks) {
        } else if case .undecided = AgentCardSignature.verify(card: none, jwks: jwks) {
        } else {
            Issue.record("alg none must never verify")
        }
        #expect(Base64URL.decode(Base64URL.encode([0xfb, 0xff, 0x01])) == [0xfb, 0xff, 0x01])
    }

    /// The static allowlist index answers exactly as the trace side's matcher does, entry by entry.
    @Test func allowlistIndexAgreesWithTheTraceMatcher() {
        let entries = [
            "Read", "mcp__tickets__create_ticket", "github/*", "docs/search", "fetch*", "*_file", "mcp__jira",
            "server/tool/extra",
        ]
        let tools = [
            "Read", "Bash", "tickets/create_ticket", "tickets/delete", "github/list_issues", "docs/search",
            "other/search", "fetch_url", "web/fetch_url", "write_file", "jira/x", "mcp__github__list", "search",
            "server/tool/extra",
        ]
        for tool in tools {
            let traced = entries.contains { TraceTools.matches(entry: $0, tool: tool, loose: false) }
            #expect(ToolAllowlist(entries).allows(tool) == traced, "\(tool)")
            for entry in entries {
                #expect(
                    ToolAllowlist([entry]).allows(tool) == TraceTools.matches(entry: entry, tool: tool, loose: false),
                    "\(entry) \(tool)")
            }
        }
        // Beyond the glob bound, a tool no exact entry names is undecided, never outside.
        let many = (0..<300).map { "g\($0)*" } + ["Read"]
        #expect(ToolAllowlist(many).allows("Read") == true)
        #expect(ToolAllowlist(many).allows("Bash") == nil)
    }
}

/// The capability table knows the tools newer Codex builds expose, so they are judged with `table` evidence.
@Suite struct CodexToolTableTests {
    @Test func unifiedExecToolsAreShellByTable() throws {
        for tool in ["exec_command", "write_stdin", "shell_command"] {
            let classes = try #require(ToolClassifier.builtin(platform: "codex", tool: tool))
            #expect(classes[.shell] == .table && classes[.codeExecution] == .table)
        }
        #expect(ToolClassifier.builtin(platform: "codex", tool: "spawn_agents_on_csv")?[.subAgentSpawn] == .table)
        #expect(ToolClassifier.builtin(platform: "codex", tool: "update_plan") == nil)
    }
}
