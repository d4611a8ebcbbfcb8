import StemmaCore
import StemmaGraph
import StemmaPosture
import StemmaTestSupport
import Testing

/// The reference's posture examples as one fleet, ranking, exit codes and the command line.
@Suite struct PostureFleetTests {
    /// The Claude Code examples (settings, sub-agent, `.mcp.json`, the accounts `tools/list` snapshot) in one
    /// project, and the Codex example in another, both named `compliance-report-agent`-like by manifests.
    static func examples() throws -> PostureFleet {
        let fleet = try PostureFleet()
        try fleet.write("cc/stemma.yaml", PostureFleet.manifest(name: "compliance-report-agent"))
        try fleet.write(".keep", "")
        for (from, to) in [
            ("claude-code.settings.json", "cc/.claude/settings.json"),
            ("claude-code.agents.report-writer.md", "cc/.claude/agents/report-writer.md"),
            ("claude-code.mcp.json", "cc/.mcp.json"), ("mcp.tools-list.json", "cc/accounts.tools-list.json"),
            ("codex.config.toml", "cx/.codex/config.toml"),
        ] {
            try fleet.write(to, try PostureFleet.fixtureText(from))
        }
        return fleet
    }

    @Test func examplesGiveExactFindingsPerAgent() throws {
        let report = try Self.examples().report(policy: try PostureFleet.fixtureText("agent_posture_policy.seed.yaml"))
        #expect(report.agents.count == 3)
        let main = try PostureFleet.agent(report, "compliance-report-agent")
        #expect(main.policy?.agentID == "compliance-report-agent")
        #expect(
            try PostureFleet.findings(report, "compliance-report-agent") == [
                "AP-PERM-1:fail", "AP-PERM-1:fail", "AP-PERM-2:unverified", "AP-TOOL-3:fail", "AP-EXEC-3:unverified",
                "AP-EXEC-3:unverified", "AP-EXEC-2:fail",
            ])
        // The seed's allowed_tools names two tools; the built-ins reachable beside them are outside it (static).
        let outside = try #require(main.findings.last { $0.rule.id == "AP-PERM-1" })
        #expect(outside.message.contains("outside allowed_tools") && outside.message.contains("Bash"))
        #expect(!outside.message.contains("document_summarizer"))
        // Every writing tool asks (Edit, the renderer); only the pre-approved Bash patterns stay undecided.
        #expect(
            main.findings.filter { $0.rule.id == "AP-EXEC-3" }.map(\.message).allSatisfy { $0.hasPrefix("Bash(") })
        // The denied code_executor is reachable through the accounts server (behind `ask`), traced to its snapshot.
        let denied = try #require(main.findings.first { $0.rule.id == "AP-PERM-1" })
        #expect(denied.evidence.first?.location == SourceLocation(path: "cc/accounts.tools-list.json", line: 22))
        // The disabled sandbox server contributes nothing; the summarizer allow rule is traced to its line.
        #expect(!main.agent.tools.contains { $0.server == "sandbox" })
        let summarizer = try #require(main.agent.tools.first { $0.name == "document_summarizer" })
        #expect(summarizer.source == SourceLocation(path: "cc/.claude/settings.json", line: 8))
        #expect(summarizer.approval == ToolApproval.none && summarizer.classes.isEmpty)
        let renderer = try #require(main.agent.tools.first { $0.name == "compliance_template_renderer" })
        #expect(renderer.approval == .ask && renderer.classes[.externalSideEffect] == .annotation)
        // The sub-agent declares its tools: no inheritance finding; governed by its parent's policy.
        let writer = try PostureFleet.agent(report, "report-writer")
        #expect(writer.agent.parent == "compliance-report-agent")
        #expect(writer.policy?.agentID == "compliance-report-agent")
        #expect(
            Set(writer.agent.tools.map(\.displayName)) == [
                "Read", "Read(./reports/**)", "Grep", "accounts/document_summarizer",
            ])
        #expect(try PostureFleet.findings(report, "report-writer") == ["AP-PERM-1:fail", "AP-PERM-2:unverified"])
        // Codex: no stable id, no owner, no policy; MCP scopes are read; shell and apply_patch run unasked.
        let codex = try PostureFleet.agent(report, "cx")
        #expect(codex.agent.scopes == ["read:accounts", "read:transactions"])
        #expect(codex.agent.tools.first { $0.name == "apply_patch" }?.approval == ToolApproval.none)
        #expect(try PostureFleet.findings(report, "cx") == ["AP-ID-1:fail", "AP-GOV-1:fail", "AP-GOV-3:fail"])
    }

    @Test func productionWithPIIAndShellOutranksSandboxNotebookWithShell() throws {
        let fleet = try PostureFleet()
        try fleet.write(
            "prod/stemma.yaml", PostureFleet.manifest(name: "prod-agent", extra: "posture:\n  data: [pii]"))
        try fleet.write("prod/.claude/settings.json", #"{"permissions": {"ask": ["Bash"]}}"#)
        try fleet.write("nb/stemma.yaml", PostureFleet.manifest(name: "notebook", stage: "sandbox"))
        try fleet.write(
            "nb/.claude/settings.json", #"{"permissions": {"allow": ["Bash(*)"], "defaultMode": "bypassPermissions"}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        #expect(report.agents.map(\.agent.id) == ["prod-agent", "notebook"])
        #expect(report.agents.map(\.rank) == [1, 2])
        let reason = report.agents[0].rankReason
        #expect(reason.contains("stage production") && reason.contains("pii") && reason.contains("shell"))
    }

    @Test func exitCodesFollowFailOnAndStrict() throws {
        let report = try Self.examples().report(policy: try PostureFleet.fixtureText("agent_posture_policy.seed.yaml"))
        #expect(report.exitCode(failOn: nil, strict: true) == 0)
        #expect(report.exitCode(failOn: .critical, strict: false) == 1)  // AP-PERM-1 fails
        let quiet = try PostureFleet()
        try quiet.write("a/stemma.yaml", PostureFleet.manifest(name: "a"))
        try quiet.write("a/.codex/config.toml", "approval_policy = \"untrusted\"\nsandbox_mode = \"read-only\"\n")
        let calm = try quiet.report(policy: PostureFleet.policy())
        #expect(try PostureFleet.findings(calm, "a").isEmpty)
        #expect(calm.exitCode(failOn: .low, strict: true) == 0)
    }

    @Test func commandLineExitsAndWritesJSON() throws {
        let fleet = try Self.examples()
        let stemma = try BuiltProducts.stemma()
        let seed = PostureFleet.fixture("agent_posture_policy.seed.yaml")
        let out = fleet.folder.url("report.json")
        let ran = try Command.run(
            stemma,
            ["posture", "--inventory", fleet.folder.url("fleet"), "--policy", seed, "--format", "json", "-o", out])
        #expect(ran.status == 0)
        let json = try JSONParser.parse(try fleet.folder.read("report.json"), source: out)
        #expect(json["agents"]?.arrayValue?.count == 3)
        let failing = try Command.run(
            stemma, ["posture", "--inventory", fleet.folder.url("fleet"), "--policy", seed, "--fail-on", "high"])
        #expect(failing.status == 1)
        #expect(failing.standardOutput.contains("#1 compliance-report-agent"))
        let bad = try fleet.folder.write("bad.yaml", "agent_posture_policy: {identity: {}}\n")
        let broken = try Command.run(stemma, ["posture", "--inventory", fleet.folder.url("fleet"), "--policy", bad])
        #expect(broken.status == 2)
        let missing = try Command.run(stemma, ["posture", "--inventory", fleet.folder.url("nope"), "--policy", seed])
        #expect(missing.status == 2)
    }

    @Test func supplyChainFlagsReachTheSameAgentsAsImpact() throws {
        let fleet = try PostureFleet()
        try fleet.write(
            "a/stemma.yaml", PostureFleet.manifest(name: "flagged", extra: "packages: [pkg:pypi/langchain@0.0.130]"))
        try fleet.write("a/.claude/settings.json", "{}")
        try fleet.write(
            "b/stemma.yaml", PostureFleet.manifest(name: "clean", extra: "packages: [pkg:pypi/requests@2.32.3]"))
        try fleet.write("b/.claude/settings.json", "{}")
        let flag = try #require(ComponentRef(parsing: "pkg:pypi/langchain@0.0.130"))
        let flags = try SupplyChainFlags.compute(
            inventory: fleet.folder.url("fleet"), advisories: [], revoked: [], flags: [flag], severity: .critical)
        #expect(Array(flags.keys) == ["flagged"])
        let policies = try PosturePolicyLoader.parse(Array(PostureFleet.policy().utf8), source: "p")
        let report = try PostureAnalysis.run(
            inventory: fleet.folder.url("fleet"), policies: policies, supplyChain: flags)
        let flagged = try PostureFleet.agent(report, "flagged")
        #expect(flagged.supplyChain.first?.component == "pkg:pypi/langchain@0.0.130")
        #expect(flagged.supplyChain.first?.severity == "critical")
        #expect(flagged.rank == 1 && flagged.rankReason.contains("supply chain 1 flag"))
        #expect(try PostureFleet.agent(report, "clean").supplyChain.isEmpty)
    }
}
