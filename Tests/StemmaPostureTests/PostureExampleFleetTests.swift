import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// `examples/posture`: a multi-platform fleet (Claude Code, Codex, Gemini CLI, Copilot, A2A, ADK, CrewAI) with
/// exact findings per agent, so a change in any reader or rule shows here.
@Suite struct PostureExampleFleetTests {
    static let expected: [String: [String]] = [
        "codex-ci": [
            "AP-CODE-2:fail", "AP-EXEC-3:fail", "AP-EXEC-3:fail", "AP-EXEC-3:fail", "AP-GOV-1:fail", "AP-GOV-2:fail",
            "AP-PERM-4:fail", "AP-TOOL-2:fail", "AP-TOOL-4:fail",
        ],
        "compliance-report-agent": [
            "AP-EXEC-2:fail", "AP-EXEC-3:unverified", "AP-EXEC-3:unverified", "AP-PERM-1:fail", "AP-PERM-1:fail",
            "AP-PERM-2:unverified", "AP-TOOL-3:fail",
        ],
        "copilot-repo": [
            "AP-EXEC-3:fail", "AP-EXEC-3:fail", "AP-EXEC-3:unverified", "AP-EXEC-3:unverified", "AP-PERM-1:fail",
            "AP-PERM-4:fail", "AP-TOOL-2:unverified",
        ],
        "report-writer": ["AP-PERM-1:fail", "AP-PERM-2:unverified"],
        "crm-assistant": ["AP-GOV-1:fail", "AP-ID-2:fail", "AP-PERM-2:fail"],
        "dev-notebook": ["AP-CODE-2:fail", "AP-PERM-4:fail", "AP-PERM-4:fail"],
        "copilot-report-writer": ["AP-EXEC-3:unverified", "AP-PERM-1:unverified"],
        "data_wrangler": ["AP-EXEC-3:unverified"],
        "research-gemini": [],
        "compliance_report_agent": ["AP-EXEC-3:unverified", "AP-EXEC-3:unverified", "AP-PERM-1:unverified"],
        "compliance_analyst": [],
        "frameworks-host": [],
        "report_writer": [],
    ]

    static func report() throws -> PostureReport {
        let root = BuiltProducts.repositoryRoot() + "/examples/posture"
        return try PostureAnalysis.run(
            inventory: root + "/fleet", policies: try PosturePolicyLoader.load(path: root + "/policies"))
    }

    @Test func exactFindingsPerAgent() throws {
        let report = try Self.report()
        #expect(report.warnings.isEmpty)
        var actual: [String: [String]] = [:]
        for result in report.agents {
            actual[result.agent.id] = result.findings.map { "\($0.rule.id):\($0.status.rawValue)" }.sorted()
        }
        #expect(actual == Self.expected)
    }

    @Test func productionAgentsOutrankTheSandboxNotebook() throws {
        let report = try Self.report()
        let rank = Dictionary(uniqueKeysWithValues: report.agents.map { ($0.agent.id, $0.rank) })
        let notebook = try #require(rank["dev-notebook"])
        #expect(try #require(rank["compliance-report-agent"]) < notebook)
        #expect(try #require(rank["codex-ci"]) < notebook)
        // The seed's policy governs the compliance agent, and its sub-agent too: the fleet's bare "*" matches the
        // sub-agent's id without naming it, so the parent's named policy wins.
        let main = try PostureFleet.agent(report, "compliance-report-agent")
        #expect(main.policy?.source.path.hasSuffix("policies/seed.yaml") == true)
        let writer = try PostureFleet.agent(report, "report-writer")
        #expect(writer.policy?.source.path.hasSuffix("policies/seed.yaml") == true)
        #expect(report.exitCode(failOn: .high, strict: false) == 1)
        // Copilot: the setup job's secret is readable by the agent's shell (denied credential_access), its token
        // scope is recorded, and the exported ruleset's required review keeps AP-CODE-1 quiet.
        let copilot = try PostureFleet.agent(report, "copilot-repo")
        #expect(copilot.agent.scopes == ["github-token:contents:read"])
        let secret = try #require(copilot.findings.first { $0.rule.id == "AP-PERM-1" })
        #expect(
            secret.evidence.first?.location
                == SourceLocation(path: "copilot-repo/.github/workflows/copilot-setup-steps.yml", line: 19))
    }
}
