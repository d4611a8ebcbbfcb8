import Foundation
import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

@Suite struct PostureAttestationTests {
    private static let policy = """
        agent_posture_policy:
          identity: {agent_id: billing}
          execution: {max_sub_agents: 0, requires_human_approval: [any_write_operation]}
        """

    private func attested(tools: String) throws -> PostureAttestation {
        let fleet = try PostureFleet()
        try fleet.write(
            "billing/stemma.yaml",
            PostureFleet.manifest(name: "billing", extra: "posture:\n  scopes: [read:invoices]\n  tools:\n" + tools))
        try fleet.write(
            "billing/.well-known/agent-card.json",
            #"{"name": "billing", "url": "https://b.example", "capabilities": {}, "skills": [], "n": 1.50}"#)
        let policies = try PosturePolicyLoader.load(path: try fleet.folder.write("policy.yaml", Self.policy))
        let report = try PostureAnalysis.run(inventory: fleet.folder.url("fleet"), policies: policies)
        #expect(report.agents.first { $0.agent.id == "billing" }?.policy != nil)
        return try PostureAttestation.build(
            report: report, agentID: "billing", inventory: fleet.folder.url("fleet"), evaluatedAt: 1_780_000_000)
    }

    private func caller(_ yaml: String) throws -> CallerPolicy {
        let folder = try TemporaryFolder()
        return try CallerPolicy.load(path: try folder.write("caller.yaml", yaml))
    }

    @Test func predicateRecordsTheCardDigestToolsAndEveryRule() throws {
        let content = try attested(tools: "    - {name: refund, classes: [external_side_effect], approval: ask}\n")
        let card = try #require(content.subjects.first)
        #expect(card.name == "a2a-card:billing")
        // sha256 of {"capabilities":{},"n":1.5,"name":"billing","skills":[],"url":"https://b.example"}
        #expect(card.sha256 == "9135df7f1a107675d44e5123393cc21be25b78cb9c99568b284243109a79ce9a")
        #expect(content.subjects.contains { $0.name == "billing/stemma.yaml" })
        #expect(content.predicate["evaluatedAt"]?.stringValue == "2026-05-28T20:26:40Z")
        #expect(content.predicate["limits"]?["maxSubAgents"]?.exactUInt64 == 0)
        let rules = content.predicate["results"]?.arrayValue?.compactMap { $0["rule"]?.stringValue } ?? []
        #expect(Set(PostureRule.all.map(\.id)).isSubset(of: Set(rules)))
        let policy = try caller("denied_capabilities: [shell]\napproval_on_writes: true\nmax_sub_agents: 0\n")
        #expect(
            try policy.failures(
                predicateType: PostureAttestation.predicateType, predicate: content.predicate, signers: [],
                now: 1_780_000_000
            ).isEmpty)
    }

    @Test func eachRequirementFailsOnItsCase() throws {
        let content = try attested(
            tools: "    - {name: run, classes: [shell], approval: none}\n    - {name: mystery}\n")
        let policy = try caller(
            """
            caller_posture_policy:
              denied_capabilities: [shell, code_execution]
              approval_on_writes: true
              allowed_scopes: ["write:*"]
              max_age_days: 7
              rules_must_pass: [AP-PERM-4, AP-NOPE-1]
            """)
        let failures = try policy.failures(
            predicateType: PostureAttestation.predicateType, predicate: content.predicate, signers: [],
            now: 1_780_000_000 + 8 * 86_400)
        let names = Set(failures.map { String($0.prefix { $0 != ":" }) })
        #expect(
            names == ["denied_capabilities", "approval_on_writes", "allowed_scopes", "max_age_days", "rules_must_pass"])
        #expect(failures.contains { $0.contains("mystery") && $0.contains("unknown") })
        #expect(failures.contains { $0.contains("AP-NOPE-1 is absent") })
        // Another predicate type fails everything at once.
        #expect(
            try policy.failures(
                predicateType: "https://cyclonedx.org/bom", predicate: content.predicate, signers: [], now: 0
            )
            .first?.hasPrefix("predicate_type") == true)
    }

    /// `max_sub_agents` fails on declared sub-agents, on a looser policy limit, and on spawns the attested traces
    /// show, and passes its benign twin.
    @Test func maxSubAgentsFailsOnDeclaredAndObservedSpawns() throws {
        let content = try attested(tools: "    - {name: lookup, classes: [filesystem_read], approval: none}\n")
        let policy = try caller("max_sub_agents: 0\n")
        func failures(_ edit: (String) -> String) throws -> [String] {
            let text = edit(JSONWriter().string(content.predicate))
            return try policy.failures(
                predicateType: PostureAttestation.predicateType,
                predicate: JSONParser.parse(Array(text.utf8), source: "p"), signers: [], now: 1_780_000_000)
        }
        #expect(try failures { $0 } == [])
        let observed = try failures {
            $0.replacingOccurrences(
                of: #""traceEvidence":null"#,
                with: #""traceEvidence":{"runs":1,"subAgentSpawns":2,"findings":[]}"#)
        }
        #expect(observed == ["max_sub_agents: the attested traces show 2 sub-agent spawn(s)"])
        let declared = try failures {
            $0.replacingOccurrences(of: #""subAgents":[]"#, with: #""subAgents":[{"id":"w","tools":"inherited"}]"#)
                .replacingOccurrences(of: #""maxSubAgents":0"#, with: #""maxSubAgents":3"#)
        }
        #expect(declared.count == 2 && declared.allSatisfy { $0.hasPrefix("max_sub_agents:") })
    }

    @Test func unknownRequirementsAndWrongTypesAreRefused() throws {
        #expect(throws: StemmaError.self) { try caller("max_subagents: 0\n") }
        #expect(throws: StemmaError.self) { try caller("max_sub_agents: -1\n") }
        #expect(throws: StemmaError.self) { try caller("approval_on_writes: maybe\n") }
    }

    @Test func rfc3339RoundTrips() {
        #expect(PostureAttestation.rfc3339(0) == "1970-01-01T00:00:00Z")
        #expect(PostureAttestation.parseRFC3339("2026-05-28T20:26:40Z") == 1_780_000_000)
        #expect(PostureAttestation.parseRFC3339("2026-05-28T20:26:40.123Z") == 1_780_000_000)
        #expect(PostureAttestation.parseRFC3339("2026-13-28T20:26:40Z") == nil)
        #expect(PostureAttestation.parseRFC3339("yesterday") == nil)
    }
}
