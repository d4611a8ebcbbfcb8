import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// Gemini CLI (settings, policy TOML, sub-agents) and GitHub Copilot (custom agents, MCP config) from the
/// reference's examples.
@Suite struct PosturePlatformTests {
    @Test func geminiSettingsAndPolicyDecideTools() throws {
        let fleet = try PostureFleet()
        try fleet.write("g/stemma.yaml", PostureFleet.manifest(name: "gemini-agent"))
        try fleet.write("g/.gemini/settings.json", try PostureFleet.fixtureText("gemini.settings.json"))
        try fleet.write("g/.gemini/policies/compliance.toml", try PostureFleet.fixtureText("gemini.policy.toml"))
        try fleet.write("g/accounts.tools-list.json", try PostureFleet.fixtureText("mcp.tools-list.json"))
        try fleet.write("g/.gemini/agents/helper.md", "---\nname: gem-helper\ndescription: helps\n---\n")
        let report = try fleet.report(policy: PostureFleet.policy(requireApproval: true))
        let agent = try PostureFleet.agent(report, "gemini-agent")
        #expect(agent.agent.platforms == ["gemini-cli", "stemma"])
        // tools.core limits the built-ins to three read tools; run_shell_command is excluded and denied.
        #expect(
            agent.agent.tools.filter { $0.server == nil }.map(\.name) == ["glob", "read_file", "search_file_content"])
        // includeTools keeps two of the snapshot's four tools; the renderer asks (ask_user rule, line 17).
        #expect(
            agent.agent.tools.filter { $0.server != nil }.map(\.name) == [
                "document_summarizer", "compliance_template_renderer",
            ])
        // The allow rule with toolAnnotations {readOnlyHint = true} applies: the summarizer is read-only.
        let summarizer = try #require(agent.agent.tools.first { $0.name == "document_summarizer" })
        #expect(summarizer.approval == ToolApproval.none)
        #expect(summarizer.source == SourceLocation(path: "g/.gemini/policies/compliance.toml", line: 10))
        let renderer = try #require(agent.agent.tools.first { $0.name == "compliance_template_renderer" })
        #expect(renderer.approval == .ask)
        #expect(renderer.source == SourceLocation(path: "g/.gemini/policies/compliance.toml", line: 17))
        #expect(!agent.findings.contains { $0.rule.id == "AP-EXEC-3" && $0.status == .fail })
        let helper = try PostureFleet.agent(report, "gem-helper")
        #expect(helper.agent.platforms == ["gemini-cli"])
        #expect(helper.findings.contains { $0.rule.id == "AP-PERM-3" && $0.status == .fail })
    }

    @Test func geminiPriorityDecides() throws {
        let fleet = try PostureFleet()
        try fleet.write("g/stemma.yaml", PostureFleet.manifest(name: "g"))
        try fleet.write(
            "g/.gemini/policies/p.toml",
            """
            [[rule]]
            toolName = "write_file"
            decision = "allow"
            priority = 200

            [[rule]]
            toolName = "*"
            decision = "ask_user"
            priority = 100
            """)
        let report = try fleet.report(policy: PostureFleet.policy(requireApproval: true))
        let agent = try PostureFleet.agent(report, "g")
        let write = try #require(agent.agent.tools.first { $0.name == "write_file" })
        #expect(write.approval == ToolApproval.none && write.source.line == 1)
        #expect(agent.agent.tools.first { $0.name == "run_shell_command" }?.approval == .ask)
        #expect(
            agent.findings.contains {
                $0.rule.id == "AP-EXEC-3" && $0.status == .fail && $0.message.hasPrefix("write_file")
            })
    }

    @Test func copilotAgentAndMCPConfig() throws {
        let fleet = try PostureFleet()
        try fleet.write("c/stemma.yaml", PostureFleet.manifest(name: "copilot-repo"))
        try fleet.write("c/.github/agents/report-writer.agent.md", try PostureFleet.fixtureText("copilot.agent.md"))
        try fleet.write("c/mcp-config.json", try PostureFleet.fixtureText("copilot.mcp-config.json"))
        let report = try fleet.report(policy: PostureFleet.policy())
        let repo = try PostureFleet.agent(report, "copilot-repo")
        // Copilot runs MCP tools without asking; the sandbox server exposes "*" and its tools are unknown.
        #expect(repo.agent.tools.filter { $0.server != nil }.allSatisfy { $0.approval == ToolApproval.none })
        #expect(repo.findings.contains { $0.rule.id == "AP-PERM-4" && $0.message.contains("'sandbox'") })
        let writer = try PostureFleet.agent(report, "report-writer")
        #expect(writer.agent.platforms == ["copilot"])
        #expect(Set(writer.agent.tools.map(\.displayName)) == ["read", "search", "accounts/document_summarizer"])
        #expect(!writer.findings.contains { $0.rule.id == "AP-PERM-3" })
    }

    @Test func adkSubAgentsAndCrewAIAgents() throws {
        let fleet = try PostureFleet()
        try fleet.write("f/stemma.yaml", PostureFleet.manifest(name: "frameworks", stage: "testing"))
        try fleet.write("f/adk.root_agent.yaml", try PostureFleet.fixtureText("adk.root_agent.yaml"))
        try fleet.write("f/adk.report_writer.yaml", try PostureFleet.fixtureText("adk.report_writer.yaml"))
        try fleet.write("f/config/agents.yaml", try PostureFleet.fixtureText("crewai.agents.yaml"))
        let policy = """
            - agent_posture_policy: {identity: {agent_id: compliance_report_agent}, permissions: {denied_capabilities: [code_execution]}}
            - agent_posture_policy: {identity: {agent_id: "*_wrangler"}, permissions: {denied_capabilities: [code_execution]}}
            - agent_posture_policy: {identity: {agent_id: "*"}}
            """
        let report = try fleet.report(policy: policy)
        let writer = try PostureFleet.agent(report, "report_writer")
        #expect(writer.agent.parent == "compliance_report_agent")
        #expect(writer.agent.owner == "team-a" && writer.agent.stage == "testing")
        // A bare "*" matches the sub-agent's id without naming it: its parent's named policy governs it.
        #expect(writer.policy?.agentID == "compliance_report_agent")
        #expect(try PostureFleet.agent(report, "compliance_report_agent").policy?.agentID == "compliance_report_agent")
        #expect(writer.agent.tools.map(\.name) == ["google_search"])
        #expect(writer.agent.tools.first?.classes[.untrustedContentIn] == .table)
        let wrangler = try PostureFleet.agent(report, "data_wrangler")
        #expect(wrangler.agent.platforms == ["crewai"])
        #expect(wrangler.findings.contains { $0.rule.id == "AP-PERM-1" && $0.status == .fail })
        #expect(wrangler.agent.tools.contains { $0.name == "DelegateWorkTool" && $0.classes[.subAgentSpawn] != nil })
        let analyst = try PostureFleet.agent(report, "compliance_analyst")
        #expect(analyst.agent.tools.isEmpty && analyst.agent.hasStableID)
    }

    @Test func subAgentsInheritOnlyTheirOwnPlatformsBuiltIns() throws {
        let fleet = try PostureFleet()
        try fleet.write("m/stemma.yaml", PostureFleet.manifest(name: "mixed"))
        try fleet.write("m/.claude/settings.json", "{}")
        try fleet.write("m/.codex/config.toml", "approval_policy = \"never\"\nsandbox_mode = \"workspace-write\"\n")
        try fleet.write("m/.claude/agents/child.md", "---\nname: child\ndescription: c\n---\n")
        let report = try fleet.report(policy: PostureFleet.policy())
        let child = try PostureFleet.agent(report, "child")
        #expect(!child.agent.tools.contains { $0.name == "apply_patch" || $0.name == "shell" })
        #expect(child.agent.tools.contains { $0.name == "Bash" })
    }

    @Test func cursorPermissionsWithCommentsAndMCP() throws {
        let fleet = try PostureFleet()
        try fleet.write("c/stemma.yaml", PostureFleet.manifest(name: "cursor-agent"))
        try fleet.write("c/.cursor/cli.json", try PostureFleet.fixtureText("cursor.cli.json"))
        try fleet.write("c/.cursor/permissions.json", try PostureFleet.fixtureText("cursor.permissions.json"))
        try fleet.write(
            "c/.cursor/mcp.json",
            #"{"mcpServers": {"accounts": {"url": "https://a.example/mcp"}, "sandbox": {"command": "sbx"}}}"#)
        try fleet.write("c/accounts.tools-list.json", try PostureFleet.fixtureText("mcp.tools-list.json"))
        try fleet.write("w/stemma.yaml", PostureFleet.manifest(name: "cursor-wild"))
        try fleet.write("w/.cursor/cli.json", #"{"permissions": {"allow": ["Shell(*)"]}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        let agent = try PostureFleet.agent(report, "cursor-agent")
        #expect(agent.agent.platforms == ["cursor", "stemma"])
        #expect(!agent.agent.tools.contains { $0.server == "sandbox" })  // Mcp(sandbox:*) denied
        let summarizer = try #require(agent.agent.tools.first { $0.name == "document_summarizer" })
        #expect(summarizer.approval == ToolApproval.none && summarizer.source.path == "c/.cursor/cli.json")
        #expect(agent.agent.tools.first { $0.name == "code_executor" }?.approval == .ask)
        #expect(agent.agent.tools.contains { $0.name == "Shell" && $0.specifier == "git status" })  // auto-run
        #expect(!agent.findings.contains { $0.rule.id == "AP-PERM-4" })
        #expect(try PostureFleet.findings(report, "cursor-wild").contains("AP-PERM-4:fail"))
    }

    @Test func geminiAnnotationConditionsUsePessimisticDefaults() throws {
        let fleet = try PostureFleet()
        try fleet.write("g/stemma.yaml", PostureFleet.manifest(name: "g"))
        try fleet.write("g/.gemini/settings.json", #"{"mcpServers": {"s": {"command": "x"}}}"#)
        try fleet.write(
            "g/.gemini/policies/p.toml",
            "[[rule]]\ntoolName = \"*\"\ntoolAnnotations = { readOnlyHint = true }\ndecision = \"allow\"\npriority = 10\n"
        )
        try fleet.write(
            "g/s.tools-list.json",
            #"{"tools": [{"name": "quiet", "annotations": {"readOnlyHint": true}}, {"name": "bare"}]}"#)
        let agent = try PostureFleet.agent(try fleet.report(policy: PostureFleet.policy()), "g").agent
        #expect(agent.tools.first { $0.name == "quiet" }?.approval == ToolApproval.none)
        #expect(agent.tools.first { $0.name == "bare" }?.approval == .ask)  // absent hint: readOnlyHint false
    }
}
