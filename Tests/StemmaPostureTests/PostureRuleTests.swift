import Foundation
import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// Each rule fires on its case and stays quiet on the benign twin, on inputs built to the real file formats.
@Suite struct PostureRuleTests {
    static let readOnlySnapshot = """
        {"tools": [{"name": "lookup", "inputSchema": {"type": "object"},
                    "annotations": {"readOnlyHint": true, "openWorldHint": false}}]}
        """
    static let writeSnapshot = """
        {"tools": [{"name": "create_ticket", "inputSchema": {"type": "object"},
                    "annotations": {"readOnlyHint": false, "destructiveHint": false, "openWorldHint": false}}]}
        """

    @Test func subAgentWithoutToolsInheritsEverything() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "parent-agent"))
        try fleet.write("a/.claude/settings.json", #"{"permissions": {"allow": ["Read"], "deny": ["WebFetch"]}}"#)
        try fleet.write("a/.claude/agents/helper.md", "---\nname: helper\ndescription: helps\n---\nBody\n")
        try fleet.write("a/.claude/agents/narrow.md", "---\nname: narrow\ndescription: reads\ntools: Read, Grep\n---\n")
        let report = try fleet.report(policy: PostureFleet.policy())
        let helper = try PostureFleet.agent(report, "helper")
        #expect(helper.agent.parent == "parent-agent")
        #expect(helper.agent.declaredTools == nil)
        let parent = try PostureFleet.agent(report, "parent-agent")
        #expect(helper.agent.tools.map(\.displayName) == parent.agent.tools.map(\.displayName))
        #expect(!parent.agent.tools.contains { $0.name == "WebFetch" })  // denied in the parent stays denied
        let finding = try #require(helper.findings.first { $0.rule.id == "AP-PERM-3" })
        #expect(finding.status == .fail)
        #expect(finding.evidence.first?.location.path == "a/.claude/agents/helper.md")
        let narrow = try PostureFleet.agent(report, "narrow")
        #expect(!narrow.findings.contains { $0.rule.id == "AP-PERM-3" })
        #expect(Set(narrow.agent.tools.map(\.name)) == ["Read", "Grep"])
    }

    @Test func bypassPermissionsIsUnrestrictedAndPassesToSubAgents() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "bypass"))
        try fleet.write(
            "a/.claude/settings.json", "{\n  \"permissions\": {\n    \"defaultMode\": \"bypassPermissions\"\n  }\n}\n")
        try fleet.write("a/.claude/agents/child.md", "---\nname: child\ndescription: x\ntools: Read\n---\n")
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "careful"))
        try fleet.write("b/.claude/settings.json", #"{"permissions": {"defaultMode": "default"}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        let bypass = try PostureFleet.agent(report, "bypass")
        let finding = try #require(bypass.findings.first { $0.rule.id == "AP-PERM-4" })
        #expect(finding.evidence.first?.location == SourceLocation(path: "a/.claude/settings.json", line: 3))
        #expect(bypass.agent.tools.allSatisfy { $0.approval == ToolApproval.none })
        #expect(try PostureFleet.findings(report, "child").contains("AP-PERM-3:fail"))
        let careful = try PostureFleet.agent(report, "careful")
        #expect(!careful.findings.contains { $0.rule.id == "AP-PERM-4" })
        #expect(careful.agent.tools.first { $0.name == "Bash" }?.approval == .ask)
    }

    @Test func wildcardBashAllowIsUnrestricted() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "wild"))
        try fleet.write("a/.claude/settings.json", #"{"permissions": {"allow": ["Bash(*)"]}}"#)
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "scoped"))
        try fleet.write("b/.claude/settings.json", #"{"permissions": {"allow": ["Bash(git status)"]}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        #expect(try PostureFleet.findings(report, "wild").contains("AP-PERM-4:fail"))
        #expect(!(try PostureFleet.findings(report, "scoped").contains("AP-PERM-4:fail")))
    }

    @Test func codexNeverWithFullAccessRemovesApproval() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "yolo"))
        try fleet.write(
            "a/.codex/config.toml", "# codex\napproval_policy = \"never\"\nsandbox_mode = \"danger-full-access\"\n")
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "sandboxed"))
        try fleet.write("b/.codex/config.toml", "approval_policy = \"never\"\nsandbox_mode = \"read-only\"\n")
        let report = try fleet.report(policy: PostureFleet.policy())
        let yolo = try PostureFleet.agent(report, "yolo")
        let finding = try #require(yolo.findings.first { $0.rule.id == "AP-PERM-4" })
        #expect(finding.evidence.first?.location == SourceLocation(path: "a/.codex/config.toml", line: 2))
        #expect(!(try PostureFleet.findings(report, "sandboxed").contains("AP-PERM-4:fail")))
    }

    @Test func mcpWildcardToolsOnAWritingServer() throws {
        let fleet = try PostureFleet()
        let config = """
            {"mcpServers": {"tickets": {"type": "local", "command": "npx", "args": ["-y", "@acme/tickets@1.2.0"],
                                        "tools": ["*"]}}}
            """
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "writer"))
        try fleet.write("a/mcp-config.json", config)
        try fleet.write("a/tickets.tools-list.json", Self.writeSnapshot)
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "reader"))
        try fleet.write("b/mcp-config.json", config)
        try fleet.write("b/tickets.tools-list.json", Self.readOnlySnapshot)
        let report = try fleet.report(policy: PostureFleet.policy())
        let writer = try PostureFleet.agent(report, "writer")
        #expect(writer.findings.contains { $0.rule.id == "AP-PERM-4" && $0.evidence.first?.location.line == 1 })
        #expect(writer.agent.tools.map(\.displayName) == ["tickets/create_ticket"])
        #expect(writer.agent.tools.first?.serverLaunch == "npx -y @acme/tickets@1.2.0")
        #expect(!(try PostureFleet.findings(report, "reader").contains("AP-PERM-4:fail")))
    }

    @Test func trifectaSplitAcrossTwoServers() throws {
        let fleet = try PostureFleet()
        let web = #""web": {"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]}"#
        let database = #""db": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-postgres@0.6.2"]}"#
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "both"))
        try fleet.write("a/.mcp.json", "{\"mcpServers\": {\(web), \(database)}}")
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "web-only"))
        try fleet.write("b/.mcp.json", "{\"mcpServers\": {\(web)}}")
        let report = try fleet.report(policy: PostureFleet.policy())
        let both = try PostureFleet.agent(report, "both")
        let finding = try #require(both.findings.first { $0.rule.id == "AP-TOOL-2" })
        #expect(finding.status == .fail)
        #expect(
            Set(finding.evidence.map(\.detail)).isSuperset(of: [
                "untrusted content in: web/*", "sensitive data read: db/*",
            ]))
        #expect(!(try PostureFleet.findings(report, "web-only").contains { $0.hasPrefix("AP-TOOL-2") }))
    }

    @Test func secretInMCPEnvIsReportedByDigestNeverByValue() throws {
        let fleet = try PostureFleet()
        let secret = "sk-live-0123456789abcdefghij"
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "leaky"))
        try fleet.write(
            "a/.mcp.json",
            "{\"mcpServers\": {\n  \"crm\": {\n    \"command\": \"crm-server\",\n    \"env\": {\"CRM_API_KEY\": \"\(secret)\"}\n  }\n}}"
        )
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "tidy"))
        try fleet.write(
            "b/.mcp.json",
            #"{"mcpServers": {"crm": {"command": "crm-server", "env": {"CRM_API_KEY": "${CRM_API_KEY}"}}}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        let leaky = try PostureFleet.agent(report, "leaky")
        let finding = try #require(leaky.findings.first { $0.rule.id == "AP-GOV-2" })
        #expect(finding.rule.severity == .high)
        #expect(finding.evidence.first?.location == SourceLocation(path: "a/.mcp.json", line: 4))
        #expect(finding.message.contains("crm.env.CRM_API_KEY") && finding.message.contains("sha256:"))
        let json =
            JSONWriter(indent: 0).string(report.jsonValue()) + report.text()
            + JSONWriter(indent: 0).string(report.sarifValue())
        #expect(!json.contains(secret) && !json.contains("0123456789abcdef"))
        #expect(!(try PostureFleet.findings(report, "tidy").contains { $0.hasPrefix("AP-GOV-2") }))
    }

    @Test func writeWithoutApprovalWhilePolicyRequiresIt() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "auto-edit"))
        try fleet.write("a/.claude/settings.json", #"{"permissions": {"allow": ["Edit"], "deny": ["Bash"]}}"#)
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "asks"))
        try fleet.write("b/.claude/settings.json", #"{"permissions": {"ask": ["Edit"], "deny": ["Bash"]}}"#)
        let report = try fleet.report(policy: PostureFleet.policy(requireApproval: true))
        let auto = try PostureFleet.agent(report, "auto-edit")
        #expect(
            auto.findings.contains { $0.rule.id == "AP-EXEC-3" && $0.status == .fail && $0.message.hasPrefix("Edit") })
        let asks = try PostureFleet.agent(report, "asks")
        #expect(!asks.findings.contains { $0.rule.id == "AP-EXEC-3" && $0.status == .fail })
        // Without the policy's requirement the rule does not apply.
        let relaxed = try fleet.report(policy: PostureFleet.policy(requireApproval: false))
        #expect(!(try PostureFleet.findings(relaxed, "auto-edit").contains { $0.hasPrefix("AP-EXEC-3") }))
    }

    @Test func governanceAndIdentity() throws {
        let fleet = try PostureFleet()
        try fleet.write("owned/stemma.yaml", PostureFleet.manifest(name: "owned"))
        try fleet.write("owned/.claude/settings.json", "{}")
        try fleet.write("orphan/stemma.yaml", PostureFleet.manifest(name: "orphan", owner: nil))
        try fleet.write("orphan/.claude/settings.json", "{}")
        try fleet.write("anon/.claude/settings.json", "{}")
        let report = try fleet.report(policy: PostureFleet.policy("o*"))
        #expect(
            try PostureFleet.findings(report, "owned").filter { $0.hasPrefix("AP-GOV") || $0.hasPrefix("AP-ID") }
                .isEmpty)
        #expect(try PostureFleet.findings(report, "orphan").contains("AP-GOV-1:fail"))
        let anon = try PostureFleet.findings(report, "anon")
        #expect(anon.contains("AP-ID-1:fail") && anon.contains("AP-GOV-1:fail") && anon.contains("AP-GOV-3:fail"))
        #expect(
            try PostureFleet.agent(report, "anon").findings.first { $0.rule.id == "AP-GOV-3" }?.rule.severity == .medium
        )
    }

    @Test func agentCardSignatureAndScopes() throws {
        let fleet = try PostureFleet()
        let card = """
            {"name": "compliance-report-agent", "provider": {"organization": "Acme", "url": "https://acme.example"},
             "supportedInterfaces": [{"url": "https://agents.acme.example/a2a", "protocolBinding": "JSONRPC"}],
             "securityRequirements": [{"schemes": {"oauth": {"list": ["read:accounts", "write:reports"]}}}],
             "skills": [{"id": "s", "name": "s", "description": "d", "tags": []}]%@}
            """
        try fleet.write("a/.well-known/agent-card.json", card.replacingOccurrences(of: "%@", with: ""))
        try fleet.write("b/stemma.yaml", PostureFleet.manifest(name: "signed"))
        try fleet.write(
            "b/agent-card.json",
            card.replacingOccurrences(of: "compliance-report-agent", with: "signed").replacingOccurrences(
                of: "%@", with: #", "signatures": [{"protected": "e30", "signature": "AA"}]"#))
        let seed = try PostureFleet.fixtureText("agent_posture_policy.seed.yaml")
        let report = try fleet.report(policy: seed + "\n---\n" + PostureFleet.policy("signed"))
        let unsigned = try PostureFleet.findings(report, "compliance-report-agent")
        #expect(unsigned.contains("AP-ID-2:fail") && unsigned.contains("AP-PERM-2:fail"))
        #expect(!unsigned.contains("AP-ID-1:fail"))
        #expect(try PostureFleet.findings(report, "signed").contains("AP-ID-2:unverified"))
    }

    @Test func openNetworkWithReadableSecrets() throws {
        let fleet = try PostureFleet()
        try fleet.write("open/stemma.yaml", PostureFleet.manifest(name: "open"))
        try fleet.write("open/.claude/settings.json", "{}")
        try fleet.write("fenced/stemma.yaml", PostureFleet.manifest(name: "fenced"))
        try fleet.write("fenced/.claude/settings.json", try PostureFleet.fixtureText("claude-code.settings.json"))
        try fleet.write("guarded/stemma.yaml", PostureFleet.manifest(name: "guarded"))
        try fleet.write(
            "guarded/.codex/config.toml",
            "approval_policy = \"on-request\"\nsandbox_mode = \"workspace-write\"\n"
                + "[sandbox_workspace_write]\nnetwork_access = true\n[shell_environment_policy]\nexclude = [\"*_TOKEN\"]\n"
        )
        try fleet.write("wide/stemma.yaml", PostureFleet.manifest(name: "wide"))
        try fleet.write(
            "wide/.codex/config.toml", "approval_policy = \"on-request\"\nsandbox_mode = \"danger-full-access\"\n")
        let report = try fleet.report(policy: PostureFleet.policy())
        #expect(try PostureFleet.findings(report, "open").contains("AP-CODE-2:fail"))
        #expect(!(try PostureFleet.findings(report, "fenced").contains { $0.hasPrefix("AP-CODE-2") }))
        #expect(try PostureFleet.findings(report, "guarded").contains("AP-CODE-2:unverified"))
        let wide = try PostureFleet.agent(report, "wide")
        let finding = try #require(wide.findings.first { $0.rule.id == "AP-CODE-2" })
        #expect(finding.status == .fail && finding.evidence.first?.location.line == 2)
    }

    @Test func subAgentReusingItsParentsIdentity() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "twin"))
        try fleet.write("a/.claude/settings.json", "{}")
        try fleet.write("a/.claude/agents/same.md", "---\nname: twin\ndescription: x\ntools: Read\n---\n")
        try fleet.write("a/.claude/agents/own.md", "---\nname: own-name\ndescription: x\ntools: Read\n---\n")
        let report = try fleet.report(policy: PostureFleet.policy())
        let ids = report.agents.map(\.agent.id)
        #expect(ids.filter { $0 == "twin" }.count == 2)
        let child = try #require(report.agents.first { $0.agent.id == "twin" && $0.agent.parent != nil })
        #expect(child.findings.contains { $0.rule.id == "AP-ID-3" && $0.status == .fail })
        #expect(!(try PostureFleet.findings(report, "own-name").contains { $0.hasPrefix("AP-ID-3") }))
    }

    @Test func definedSubAgentsBeyondMaxSubAgents() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "boss"))
        try fleet.write("a/.claude/settings.json", "{}")
        try fleet.write("a/.claude/agents/one.md", "---\nname: one\ndescription: x\ntools: Read\n---\n")
        func policy(_ limit: Int) -> String {
            "agent_posture_policy:\n  identity: {agent_id: boss}\n  execution: {max_sub_agents: \(limit)}\n"
        }
        let strict = try PostureFleet.findings(try fleet.report(policy: policy(0)), "boss")
        #expect(strict.contains("AP-EXEC-2:fail"))
        let roomy = try PostureFleet.findings(try fleet.report(policy: policy(1)), "boss")
        #expect(!roomy.contains("AP-EXEC-2:fail") && roomy.contains("AP-EXEC-2:unverified"))  // Agent tool: traces
    }
}
