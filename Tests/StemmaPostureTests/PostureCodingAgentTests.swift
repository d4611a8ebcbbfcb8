import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// Coding-agent sources: sub-agents' own MCP servers, Copilot setup steps, review gates (AP-CODE-1), and the
/// static `allowed_tools` rule. Each case has its benign twin.
@Suite struct PostureCodingAgentTests {
    @Test func subAgentDeclaresItsOwnMCPServers() throws {
        let fleet = try PostureFleet()
        try fleet.write("p/stemma.yaml", PostureFleet.manifest(name: "parent"))
        try fleet.write("p/.claude/settings.json", #"{"permissions": {"ask": ["mcp__jira"]}}"#)
        try fleet.write(
            "p/.mcp.json", #"{"mcpServers": {"github": {"command": "npx", "args": ["-y", "gh-mcp@2.0.0"]}}}"#)
        try fleet.write("p/jira.tools-list.json", PostureRuleTests.writeSnapshot)
        try fleet.write(
            "p/.claude/agents/triage.md",
            """
            ---
            name: triage
            description: Files tickets.
            tools: Read
            mcpServers:
              - jira:
                  type: stdio
                  command: npx
                  args: ["-y", "@acme/jira-mcp"]
                  env:
                    JIRA_API_TOKEN: "jira-literal-token-0001"
            ---
            Triage.
            """)
        try fleet.write(
            "p/.claude/agents/reader.md",
            "---\nname: reader\ndescription: reads\ntools: Read\nmcpServers:\n  - github\n---\n")
        try fleet.write("p/.claude/agents/plain.md", "---\nname: plain\ndescription: reads\ntools: Read\n---\n")
        let report = try fleet.report(policy: PostureFleet.policy())
        let triage = try PostureFleet.agent(report, "triage")
        // The inline server's snapshot tool is reachable, asked for by the parent's `ask mcp__jira` rule.
        let ticket = try #require(triage.agent.tools.first { $0.server == "jira" })
        #expect(ticket.name == "create_ticket" && ticket.approval == .ask)
        #expect(ticket.source == SourceLocation(path: "p/.claude/settings.json", line: 1))
        let secret = try #require(triage.findings.first { $0.rule.id == "AP-GOV-2" })
        #expect(secret.evidence.first?.location == SourceLocation(path: "p/.claude/agents/triage.md", line: 11))
        #expect(!secret.message.contains("jira-literal-token-0001"))
        #expect(triage.findings.contains { $0.rule.id == "AP-TOOL-4" && $0.message.contains("@acme/jira-mcp") })
        // A name refers to the project's configured server; without mcpServers only the tools list counts.
        #expect(try PostureFleet.agent(report, "reader").agent.tools.contains { $0.server == "github" })
        #expect(!(try PostureFleet.agent(report, "plain").agent.tools.contains { $0.server != nil }))
        #expect(!(try PostureFleet.agent(report, "parent").agent.tools.contains { $0.server == "jira" }))
    }

    @Test func copilotSetupStepsGiveScopesSecretsAndCredentials() throws {
        let fleet = try PostureFleet()
        try fleet.write("ok/stemma.yaml", PostureFleet.manifest(name: "ok"))
        try fleet.write(
            "ok/.github/workflows/copilot-setup-steps.yml", try PostureFleet.fixtureText("copilot-setup-steps.yml"))
        try fleet.write("bad/stemma.yaml", PostureFleet.manifest(name: "bad"))
        try fleet.write(
            "bad/.github/workflows/copilot-setup-steps.yml",
            """
            name: "Copilot Setup Steps"
            on: workflow_dispatch
            jobs:
              copilot-setup-steps:
                runs-on: ubuntu-latest
                permissions:
                  contents: write
                env:
                  NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
                steps:
                  - uses: actions/checkout@08eba0b27e820071cde6df949e0beb9ba4906955
                  - name: Configure
                    env:
                      API_KEY: sk-literalliteralliteral0001
                    run: echo "${{ secrets.DEPLOY_KEY }}" > ~/.deploy
            """)
        let policy = """
            agent_posture_policy:
              identity: {agent_id: "*"}
              permissions: {denied_capabilities: [credential_access], max_scope: ["github-token:contents:read"]}
            """
        let report = try fleet.report(policy: policy)
        let ok = try PostureFleet.agent(report, "ok")
        #expect(ok.agent.platforms.contains("copilot"))
        #expect(ok.agent.scopes == ["github-token:contents:read"])
        #expect(!ok.findings.contains { ["AP-PERM-1", "AP-PERM-2", "AP-GOV-2"].contains($0.rule.id) })
        #expect(ok.agent.notes.contains { $0.contains("actions/checkout@v5") && $0.contains("not pinned") })
        #expect(ok.agent.notes.contains { $0.contains("environment 'copilot'") })
        let bad = try PostureFleet.agent(report, "bad")
        let secrets = bad.agent.tools.filter { $0.classes[.credentialAccess] != nil }
        #expect(
            secrets.map(\.specifier) == [
                "reads secret NPM_TOKEN (copilot-setup-steps)", "reads secret DEPLOY_KEY (copilot-setup-steps)",
            ])
        #expect(secrets.map(\.source.line) == [9, 15])
        #expect(bad.findings.contains { $0.rule.id == "AP-PERM-1" && $0.message.contains("credential_access") })
        #expect(
            bad.findings.contains { $0.rule.id == "AP-PERM-2" && $0.message.contains("github-token:contents:write") })
        let leak = try #require(bad.findings.first { $0.rule.id == "AP-GOV-2" })
        #expect(
            leak.evidence.first?.location
                == SourceLocation(path: "bad/.github/workflows/copilot-setup-steps.yml", line: 14))
        #expect(!bad.agent.notes.contains { $0.contains("not pinned") })
    }

    static func ruleset(enforcement: String = "active", reviews: Int = 1, include: String = "~DEFAULT_BRANCH") -> String
    {
        """
        {
          "name": "protect-main",
          "target": "branch",
          "enforcement": "\(enforcement)",
          "conditions": {"ref_name": {"include": ["\(include)"], "exclude": []}},
          "rules": [
            {"type": "deletion"},
            {"type": "pull_request", "parameters": {
              "required_approving_review_count": \(reviews),
              "dismiss_stale_reviews_on_push": true,
              "require_code_owner_review": false,
              "require_last_push_approval": true,
              "required_review_thread_resolution": false}}
          ]
        }
        """
    }

    @Test func codingAgentPullRequestsNeedAnIndependentReview() throws {
        let fleet = try PostureFleet()
        let cases: [(String, String?)] = [
            ("gated", Self.ruleset()), ("zero", Self.ruleset(reviews: 0)),
            ("evaluate", Self.ruleset(enforcement: "evaluate")),
            ("other-branch", Self.ruleset(include: "refs/heads/dev")),
            (
                "protected",
                #"{"url": "https://api.github.com/repos/o/r/branches/main/protection", "required_pull_request_reviews": {"required_approving_review_count": 2}, "enforce_admins": {"enabled": true}}"#
            ),
            ("unread", nil),
        ]
        for (name, export) in cases {
            try fleet.write("\(name)/stemma.yaml", PostureFleet.manifest(name: name))
            try fleet.write(
                "\(name)/.github/agents/dev.agent.md", "---\nname: \(name)-dev\ndescription: d\ntools: [read]\n---\n")
            if let export { try fleet.write("\(name)/settings/ruleset.json", export) }
        }
        let report = try fleet.report(policy: PostureFleet.policy())
        func code1(_ id: String) throws -> [String] {
            try PostureFleet.agent(report, id).findings.filter { $0.rule.id == "AP-CODE-1" }.map(\.status.rawValue)
        }
        #expect(try code1("gated") == [])
        #expect(
            try PostureFleet.agent(report, "gated").agent.notes == [
                "Review gate: ruleset 'protect-main' requires 1 approving review(s) (gated/settings/ruleset.json:9)"
            ])
        #expect(try code1("protected") == [])
        #expect(try code1("zero") == ["fail"])
        #expect(try code1("evaluate") == ["fail"])
        #expect(try code1("other-branch") == ["fail"])
        #expect(try code1("unread") == ["unverified"])
        let zero = try #require(try PostureFleet.agent(report, "zero").findings.first { $0.rule.id == "AP-CODE-1" })
        #expect(zero.evidence.first?.location == SourceLocation(path: "zero/settings/ruleset.json", line: 9))
        // The sub-agent does not repeat its parent's repository finding.
        #expect(try PostureFleet.agent(report, "zero-dev").findings.allSatisfy { $0.rule.id != "AP-CODE-1" })
    }

    @Test func reachableToolsOutsideAllowedToolsFailStatically() throws {
        let fleet = try PostureFleet()
        for name in ["wide", "narrow", "unknown"] {
            try fleet.write("\(name)/stemma.yaml", PostureFleet.manifest(name: name))
        }
        try fleet.write(
            "wide/.claude/settings.json",
            #"{"permissions": {"allow": ["Read", "mcp__tickets__create_ticket"], "deny": ["Agent", "Task"]}}"#)
        try fleet.write("wide/.mcp.json", #"{"mcpServers": {"tickets": {"command": "tickets-mcp"}}}"#)
        try fleet.write("wide/tickets.tools-list.json", PostureRuleTests.writeSnapshot)
        try fleet.write(
            "narrow/.github/agents/a.agent.md",
            "---\nname: narrow-a\ndescription: d\ntools: [\"read\", \"tickets/create_ticket\"]\n---\n")
        try fleet.write(
            "narrow/mcp-config.json",
            #"{"mcpServers": {"tickets": {"type": "local", "command": "tickets-mcp", "tools": ["create_ticket"]}}}"#)
        try fleet.write("narrow/tickets.tools-list.json", PostureRuleTests.writeSnapshot)
        try fleet.write(
            "unknown/mcp-config.json",
            #"{"mcpServers": {"mystery": {"type": "local", "command": "mystery-mcp", "tools": ["*"]}}}"#)
        let policy = """
            - agent_posture_policy:
                identity: {agent_id: "*"}
                permissions: {allowed_tools: [Read, "mcp__tickets__create_ticket"]}
            - agent_posture_policy:
                identity: {agent_id: "narrow*"}
                permissions: {allowed_tools: [read, "tickets/*"]}
            """
        let report = try fleet.report(policy: policy)
        let wide = try #require(try PostureFleet.agent(report, "wide").findings.first { $0.rule.id == "AP-PERM-1" })
        #expect(wide.status == .fail && wide.message.contains("Bash") && wide.message.contains("Edit"))
        // The mcp__ prefix is normalised: tickets/create_ticket is in the list.
        #expect(!wide.message.contains("create_ticket") && !wide.message.contains(" Read"))
        #expect(wide.evidence.allSatisfy { !$0.detail.contains("create_ticket") })
        #expect(try PostureFleet.agent(report, "narrow-a").findings.allSatisfy { $0.rule.id != "AP-PERM-1" })
        let unknown = try PostureFleet.agent(report, "unknown").findings.filter { $0.rule.id == "AP-PERM-1" }
        #expect(unknown.map(\.status).contains(.unverified))
        #expect(unknown.contains { $0.message.contains("mystery") })
    }
}
