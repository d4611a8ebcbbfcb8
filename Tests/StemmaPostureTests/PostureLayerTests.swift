import Foundation
import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// Layers beyond one file: Codex `trust_level` and profiles, Claude Code managed settings, Gemini policy tiers,
/// and which policy governs a sub-agent. Each case has its benign twin.
@Suite struct PostureLayerTests {
    static let unsafeProject = """
        approval_policy = "never"
        sandbox_mode = "danger-full-access"
        """

    static func userConfig(trust: String) -> String {
        """
        approval_policy = "on-request"
        sandbox_mode = "workspace-write"

        [projects."/srv/app"]
        trust_level = "\(trust)"
        """
    }

    @Test func untrustedCodexProjectConfigAndRulesAreNotApplied() throws {
        for trust in ["untrusted", "trusted"] {
            let fleet = try PostureFleet()
            try fleet.write("app/stemma.yaml", PostureFleet.manifest(name: "app"))
            try fleet.write("app/.codex/config.toml", Self.unsafeProject)
            try fleet.write("app/.codex/rules/project.rules", "prefix_rule(pattern = [\"rm\"], decision = \"allow\")\n")
            try fleet.write("app/home/.codex/config.toml", Self.userConfig(trust: trust))
            let agent = try PostureFleet.agent(try fleet.report(policy: PostureFleet.policy()), "app")
            let perm4 = agent.findings.filter { $0.rule.id == "AP-PERM-4" }
            let rulesGrant = agent.agent.tools.first { $0.specifier == "rm" }
            if trust == "untrusted" {
                // Codex ignores an untrusted project's .codex/: the user config's on-request decides.
                #expect(perm4.isEmpty)
                #expect(rulesGrant == nil)
                #expect(
                    agent.agent.notes.contains {
                        $0.contains("'app/.codex/config.toml' is not applied")
                            && $0.contains("app/home/.codex/config.toml:4")
                    })
                #expect(agent.agent.notes.contains { $0.contains("'app/.codex/rules/project.rules' is not applied") })
            } else {
                #expect(perm4.map(\.status) == [.fail])
                #expect(
                    perm4.first?.evidence.first?.location == SourceLocation(path: "app/.codex/config.toml", line: 1))
                #expect(rulesGrant?.source == SourceLocation(path: "app/.codex/rules/project.rules", line: 1))
                #expect(agent.agent.notes.contains { $0.contains("'app/.codex/config.toml' applies") })
            }
        }
    }

    @Test func anUntrustedEntryThatCouldNameTwoProjectFoldersDropsNeither() throws {
        let fleet = try PostureFleet()
        try fleet.write("svc/stemma.yaml", PostureFleet.manifest(name: "svc"))
        try fleet.write("svc/app/.codex/config.toml", Self.unsafeProject)
        try fleet.write("svc/vendor/app/.codex/config.toml", Self.unsafeProject)
        try fleet.write("svc/home/.codex/config.toml", Self.userConfig(trust: "untrusted"))
        let agent = try PostureFleet.agent(try fleet.report(policy: PostureFleet.policy()), "svc")
        // "/srv/app" may be either folder: both configs stay applied, so their grants are not hidden.
        #expect(agent.findings.contains { $0.rule.id == "AP-PERM-4" && $0.status == .fail })
        #expect(!agent.agent.notes.contains { $0.contains("is not applied") })
        #expect(agent.agent.notes.contains { $0.contains("more than one project folder") })
    }

    @Test func codexActiveProfileDecidesGrantsAndOthersAreSelectable() throws {
        let profiles = """
            approval_policy = "on-request"
            sandbox_mode = "workspace-write"
            %@

            [profiles.yolo]
            approval_policy = "never"
            sandbox_mode = "danger-full-access"

            [profiles.careful]
            approval_policy = "untrusted"
            """
        let fleet = try PostureFleet()
        try fleet.write("on/stemma.yaml", PostureFleet.manifest(name: "on"))
        try fleet.write("on/.codex/config.toml", profiles.replacingFirst("%@", with: "profile = \"yolo\""))
        try fleet.write("off/stemma.yaml", PostureFleet.manifest(name: "off"))
        try fleet.write("off/.codex/config.toml", profiles.replacingFirst("%@", with: "profile = \"careful\""))
        let report = try fleet.report(policy: PostureFleet.policy())
        // profile = "yolo" is active: never + danger-full-access, traced to the profile's own lines.
        let on = try PostureFleet.agent(report, "on")
        let perm4 = try #require(on.findings.first { $0.rule.id == "AP-PERM-4" })
        #expect(perm4.status == .fail)
        #expect(perm4.evidence.first?.location == SourceLocation(path: "on/.codex/config.toml", line: 6))
        let shell = try #require(on.agent.tools.first { $0.name == "shell" && $0.specifier == nil })
        #expect(shell.approval == ToolApproval.none && shell.source.line == 6)
        #expect(
            on.agent.notes.contains {
                $0.contains("profile 'yolo' is active (on/.codex/config.toml:3)")
                    && $0.contains("approval_policy never")
            })
        // profile = "careful" is active: the shell asks; the yolo profile can still be chosen with --profile.
        let off = try PostureFleet.agent(report, "off")
        #expect(off.agent.tools.first { $0.name == "shell" }?.approval == .ask)
        #expect(off.agent.tools.first { $0.name == "shell" }?.source.line == 10)
        #expect(off.findings.filter { $0.rule.id == "AP-PERM-4" }.map(\.status) == [.unverified])
        #expect(
            off.findings.first { $0.rule.id == "AP-PERM-4" }?.evidence.first?.location
                == SourceLocation(path: "off/.codex/config.toml", line: 5))
    }

    @Test func claudeManagedSettingsCannotBeOverridden() throws {
        let project = """
            {"permissions": {"allow": ["Bash", "mcp__files"], "defaultMode": "bypassPermissions"}}
            """
        let managed = """
            {
              "permissions": {
                "deny": ["WebFetch"],
                "disableBypassPermissionsMode": "disable"
              },
              "allowManagedPermissionRulesOnly": true,
              "deniedMcpServers": [{"serverName": "files"}],
              "allowedMcpServers": [{"serverName": "files"}, {"serverUrl": "https://mcp.example.com/*"}]
            }
            """
        let servers = """
            {"mcpServers": {
              "files": {"command": "npx", "args": ["-y", "@acme/files@1.0.0"]},
              "docs": {"type": "http", "url": "https://mcp.example.com/mcp"},
              "other": {"command": "other-mcp"}
            }}
            """
        let fleet = try PostureFleet()
        for folder in ["managed", "plain"] {
            try fleet.write("\(folder)/stemma.yaml", PostureFleet.manifest(name: folder))
            try fleet.write("\(folder)/.claude/settings.json", project)
            try fleet.write("\(folder)/.mcp.json", servers)
            try fleet.write(
                "\(folder)/.claude/agents/child.md", "---\nname: \(folder)-child\ndescription: c\ntools: Read\n---\n")
        }
        try fleet.write("managed/etc/claude-code/managed-settings.json", managed)
        let report = try fleet.report(policy: PostureFleet.policy())
        let plain = try PostureFleet.agent(report, "plain")
        #expect(plain.findings.filter { $0.rule.id == "AP-PERM-4" }.count == 2)  // allow Bash, bypassPermissions
        #expect(plain.agent.tools.contains { $0.server == "files" })
        #expect(try PostureFleet.findings(report, "plain-child").contains("AP-PERM-3:fail"))
        let agent = try PostureFleet.agent(report, "managed")
        #expect(agent.agent.sources.contains { $0.path == "managed/etc/claude-code/managed-settings.json" })
        // Bypass is disabled, the project's rules are dropped, WebFetch is denied, the files server is denied.
        #expect(!agent.findings.contains { $0.rule.id == "AP-PERM-4" })
        #expect(agent.agent.tools.first { $0.name == "Bash" }?.approval == .ask)
        #expect(!agent.agent.tools.contains { $0.name == "WebFetch" || $0.server == "files" })
        // The allowlist keeps the server whose URL it matches; the denylist beats the allowlist for "files".
        #expect(Set(agent.agent.tools.compactMap(\.server)) == ["docs"])
        #expect(Set(plain.agent.tools.compactMap(\.server)) == ["files", "docs", "other"])
        #expect(agent.agent.notes.contains { $0.contains("managed settings") })
        #expect(
            agent.agent.notes.contains { $0.contains("allowManagedPermissionRulesOnly") && $0.contains("2 rule(s)") })
        #expect(!(try PostureFleet.findings(report, "managed-child")).contains("AP-PERM-3:fail"))
    }

    @Test func managedSandboxSettingWinsWhateverTheReadOrder() throws {
        let fleet = try PostureFleet()
        try fleet.write("svc/stemma.yaml", PostureFleet.manifest(name: "svc"))
        // Walk order reads the managed file ("Library/…") before the project's ("proj/…").
        try fleet.write(
            "svc/Library/Application Support/ClaudeCode/managed-settings.json", #"{"sandbox": {"enabled": false}}"#)
        try fleet.write(
            "svc/proj/.claude/settings.json",
            #"{"sandbox": {"enabled": true, "network": {"allowedDomains": ["api.example.com"]}}}"#)
        let agent = try PostureFleet.agent(try fleet.report(policy: PostureFleet.policy()), "svc")
        #expect(agent.agent.sources.contains { $0.path.hasSuffix("managed-settings.json") })
        #expect(agent.agent.facts.contains { $0.kind == .unrestrictedNetwork })
    }

    @Test func bareWildcardPolicyYieldsToTheParentsNamedPolicy() throws {
        let fleet = try PostureFleet()
        try fleet.write("p/stemma.yaml", PostureFleet.manifest(name: "parent"))
        try fleet.write("p/.claude/settings.json", #"{"permissions": {"allow": ["Read"]}}"#)
        try fleet.write("p/.claude/agents/a.md", "---\nname: helper-a\ndescription: a\ntools: Read\n---\n")
        try fleet.write("p/.claude/agents/b.md", "---\nname: other-b\ndescription: b\ntools: Read\n---\n")
        try fleet.write("q/stemma.yaml", PostureFleet.manifest(name: "orphan-parent"))
        try fleet.write("q/.claude/agents/c.md", "---\nname: lone-c\ndescription: c\ntools: Read\n---\n")
        let policy = """
            - agent_posture_policy: {identity: {agent_id: "*"}}
            - agent_posture_policy: {identity: {agent_id: parent}}
            - agent_posture_policy: {identity: {agent_id: "helper-*"}}
            """
        let report = try fleet.report(policy: policy)
        // A glob with literal characters names the sub-agent: it governs. A bare "*" does not beat the parent's.
        #expect(try PostureFleet.agent(report, "helper-a").policy?.agentID == "helper-*")
        #expect(try PostureFleet.agent(report, "other-b").policy?.agentID == "parent")
        // No named policy above: the "*" still covers it (no AP-GOV-3).
        #expect(try PostureFleet.agent(report, "lone-c").policy?.agentID == "*")
        #expect(try PostureFleet.agent(report, "orphan-parent").policy?.agentID == "*")
    }

    @Test func geminiAdminPolicyTierOutranksUserPriorities() throws {
        let user = "[[rule]]\ntoolName = \"write_file\"\ndecision = \"allow\"\npriority = 999\n"
        let admin = "[[rule]]\ntoolName = \"write_file\"\ndecision = \"ask_user\"\npriority = 1\n"
        let fleet = try PostureFleet()
        for folder in ["adm", "usr"] {
            try fleet.write("\(folder)/stemma.yaml", PostureFleet.manifest(name: folder))
            try fleet.write("\(folder)/.gemini/policies/user.toml", user)
        }
        try fleet.write("adm/etc/gemini-cli/policies/admin.toml", admin)
        let report = try fleet.report(policy: PostureFleet.policy(requireApproval: true))
        let adm = try #require(try PostureFleet.agent(report, "adm").agent.tools.first { $0.name == "write_file" })
        #expect(adm.approval == .ask)
        #expect(adm.source == SourceLocation(path: "adm/etc/gemini-cli/policies/admin.toml", line: 1))
        let usr = try #require(try PostureFleet.agent(report, "usr").agent.tools.first { $0.name == "write_file" })
        #expect(usr.approval == ToolApproval.none)
        #expect(usr.source == SourceLocation(path: "usr/.gemini/policies/user.toml", line: 1))
    }
}

extension String {
    /// `self` with the first `target` replaced.
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
