import StemmaCore
import StemmaPosture
import StemmaTestSupport
import Testing

/// Readers: settings layers, manifests, snapshots, and hostile or broken inputs (warnings, bounds, no crash).
@Suite struct PostureReaderTests {
    @Test func localSettingsLayerOverridesModeAndAddsRules() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "layered"))
        try fleet.write("a/.claude/settings.json", #"{"permissions": {"allow": ["Edit"], "defaultMode": "default"}}"#)
        try fleet.write(
            "a/.claude/settings.local.json", #"{"permissions": {"deny": ["Edit"], "defaultMode": "acceptEdits"}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        let agent = try PostureFleet.agent(report, "layered").agent
        #expect(!agent.tools.contains { $0.name == "Edit" })  // deny in the later layer beats the earlier allow
        let write = try #require(agent.tools.first { $0.name == "Write" })
        #expect(write.approval == ToolApproval.none)  // acceptEdits from settings.local.json
        #expect(write.source.path == "a/.claude/settings.local.json")
    }

    @Test func summarizerHoldingACodeInterpreter() throws {
        let fleet = try PostureFleet()
        let interpreter = "  tools:\n    - {name: python_repl, classes: [code_execution], approval: ask}"
        try fleet.write(
            "s/stemma.yaml",
            PostureFleet.manifest(
                name: "doc-summarizer", extra: "posture:\n  purpose: summarize documents\n" + interpreter))
        try fleet.write(
            "w/stemma.yaml",
            PostureFleet.manifest(name: "builder", extra: "posture:\n  purpose: build and test code\n" + interpreter))
        let report = try fleet.report(policy: PostureFleet.policy())
        let finding = try #require(
            try PostureFleet.agent(report, "doc-summarizer").findings.first { $0.rule.id == "AP-TOOL-1" })
        #expect(finding.evidence.first?.location.path == "s/stemma.yaml")
        #expect(!(try PostureFleet.findings(report, "builder").contains { $0.hasPrefix("AP-TOOL-1") }))
    }

    @Test func snapshotWrapperBindsByServerKeyAndUnpinnedServersAreFound() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "wrapped"))
        try fleet.write(
            "a/.mcp.json", #"{"mcpServers": {"files": {"command": "npx", "args": ["-y", "@acme/files"]}}}"#)
        try fleet.write(
            "a/snapshots/files.json",
            #"{"server": "files", "result": {"tools": [{"name": "delete_file", "inputSchema": {"type": "object"}}]}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        let agent = try PostureFleet.agent(report, "wrapped")
        let tool = try #require(agent.agent.tools.first)
        #expect(tool.displayName == "files/delete_file")
        // No annotations: the pessimistic defaults apply, and the name adds a heuristic class.
        #expect(tool.classes[.destructive] == .annotation && tool.classes[.networkEgress] == .annotation)
        #expect(!tool.classesUnknown)
        #expect(agent.findings.contains { $0.rule.id == "AP-TOOL-4" })
        #expect(agent.findings.contains { $0.rule.id == "AP-TOOL-3" })
    }

    @Test func serverWithoutSnapshotHasUnknownClassesAndNeverPasses() throws {
        let fleet = try PostureFleet()
        try fleet.write(
            "a/stemma.yaml",
            PostureFleet.manifest(
                name: "opaque",
                extra: "posture:\n  tools:\n    - {name: web, classes: [untrusted_content_in, network_egress]}"))
        try fleet.write("a/.mcp.json", #"{"mcpServers": {"mystery": {"url": "https://mcp.example.com/mcp"}}}"#)
        let policy = """
            agent_posture_policy:
              identity: {agent_id: "*"}
              permissions: {denied_capabilities: [shell]}
              execution: {requires_human_approval: [any_write_operation]}
            """
        let findings = try PostureFleet.findings(try fleet.report(policy: policy), "opaque")
        #expect(findings.contains("AP-PERM-1:unverified"))
        #expect(findings.contains("AP-TOOL-2:unverified"))
        #expect(findings.contains("AP-EXEC-3:unverified"))
        #expect(!findings.contains { $0.hasSuffix(":pass") })
    }

    @Test func brokenAndHostileFilesAreWarningsNotCrashes() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "survivor"))
        try fleet.write("a/.claude/settings.json", "{\"permissions\": ")  // truncated
        try fleet.write("a/.claude/agents/nofront.md", "no front matter here\n")
        try fleet.write("a/.mcp.json", "{\"mcpServers\": [")  // truncated
        let laughs = (1...9).map { "l\($0): &l\($0) [*l\($0 - 1), *l\($0 - 1), *l\($0 - 1), *l\($0 - 1)]" }
        try fleet.write(
            "b/stemma.yaml",
            "stemma: component/v1\nkind: agent\nname: laughs\nl0: &l0 [x]\n" + laughs.joined(separator: "\n") + "\n")
        try fleet.write(
            "c/.claude/agents/deep.md", "---\nname: deep\ntools: " + String(repeating: "[", count: 5_000) + "\n---\n")
        try fleet.write("c/stemma.yaml", PostureFleet.manifest(name: "c-parent"))
        let report = try fleet.report(policy: PostureFleet.policy())
        #expect(report.warnings.contains { $0.contains("a/.claude/settings.json") })
        #expect(report.warnings.contains { $0.contains("nofront.md") })
        #expect(report.warnings.contains { $0.contains("a/.mcp.json") })
        #expect(report.warnings.contains { $0.contains("deep.md") })
        #expect(report.agents.contains { $0.agent.id == "survivor" })
        #expect(report.agents.contains { $0.agent.id == "laughs" })
    }

    /// A config over a bound Stemma sets (its size, its nesting) was not read in full: the run stops, naming it,
    /// rather than report the agent without the grants it holds.
    @Test(arguments: [
        ("a/.mcp.json", String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
        ("big/.mcp.json", String(repeating: " ", count: 5 << 20)),
    ])
    func aConfigOverABoundStopsTheRun(_ file: String, _ text: String) throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "survivor"))
        try fleet.write(file, text)
        #expect {
            _ = try fleet.report(policy: PostureFleet.policy())
        } throws: { error in
            guard let error = error as? StemmaError else { return false }
            return error.code == .limitExceeded && error.message.contains(file)
        }
    }

    @Test func symbolicLinksAreNotFollowed() throws {
        let fleet = try PostureFleet()
        try fleet.write("outside/.mcp.json", #"{"mcpServers": {"x": {"command": "x"}}}"#)
        try fleet.write("fleet-marker", "")
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "a"))
        _ = try Command.run("ln", ["-s", fleet.folder.url("fleet/outside"), fleet.folder.url("fleet/a/linked")])
        let report = try fleet.report(policy: PostureFleet.policy())
        #expect(report.warnings.contains { $0.contains("a/linked") && $0.contains("symbolic link") })
        #expect(try PostureFleet.agent(report, "a").agent.tools.isEmpty)
    }

    @Test func codexPrefixRulesPreApproveCommands() throws {
        let fleet = try PostureFleet()
        try fleet.write("x/stemma.yaml", PostureFleet.manifest(name: "codex-rules"))
        try fleet.write("x/.codex/config.toml", "approval_policy = \"untrusted\"\nsandbox_mode = \"read-only\"\n")
        try fleet.write(
            "x/.codex/rules/default.rules",
            """
            # Starlark, read not run
            prefix_rule(
                pattern = ["git", ["status", "diff"]],
                decision = "allow",
                justification = "read-only git (not a decision = \\"forbidden\\")",
            )
            prefix_rule(pattern = ["npm", "publish"], decision = "forbidden")
            prefix_rule(pattern = ["rm"], decision = "allow")
            prefix_rule(pattern = ["rm"], decision = "prompt")
            prefix_rule(pattern = some_variable, decision = "allow")
            """)
        let report = try fleet.report(policy: PostureFleet.policy(requireApproval: true))
        let agent = try PostureFleet.agent(report, "codex-rules")
        let narrow = agent.agent.tools.filter { $0.specifier != nil }
        #expect(narrow.map(\.specifier) == ["git status|diff"])
        #expect(narrow.first?.source == SourceLocation(path: "x/.codex/rules/default.rules", line: 2))
        #expect(
            agent.findings.contains {
                $0.rule.id == "AP-EXEC-3" && $0.status == .unverified && $0.message.hasPrefix("shell(git")
            })
    }

    @Test func vsCodeServersOnlyInMCPJSON() throws {
        let fleet = try PostureFleet()
        try fleet.write("v/stemma.yaml", PostureFleet.manifest(name: "vscode"))
        try fleet.write(
            "v/.vscode/mcp.json",
            #"{"inputs": [], "servers": {"gh": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@1.0.0"], "env": {"TOKEN": "${input:token}"}}}}"#
        )
        try fleet.write("other/app-config.json", #"{"servers": {"web": {"host": "example.com"}}}"#)
        let report = try fleet.report(policy: PostureFleet.policy())
        let agent = try PostureFleet.agent(report, "vscode")
        #expect(agent.agent.tools.map(\.displayName) == ["gh/*"])
        #expect(agent.agent.tools.first?.classes[.sensitiveDataRead] == .table)
        #expect(!agent.findings.contains { $0.rule.id == "AP-GOV-2" || $0.rule.id == "AP-TOOL-4" })
        #expect(!report.agents.contains { $0.agent.id == "other" })
    }
}

@Suite struct PostureLinearityTests {
    /// 5,000 permission rules spelled with escapes (so no search finds them) and 3,000 snapshot tools: the line
    /// lookups share a bounded budget, so reading stays fast instead of quadratic.
    @Test(.timeLimit(.minutes(1))) func manyUnfindableEntriesStayLinear() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "many"))
        let rules = (0..<5_000).map { "\"\\u0042ash(cmd\($0))\"" }.joined(separator: ",")
        try fleet.write("a/.claude/settings.json", "{\"permissions\": {\"allow\": [\(rules)]}}")
        let tools = (0..<3_000).map { "{\"name\": \"t\\u005f\($0)\"}" }.joined(separator: ",")
        try fleet.write("a/.mcp.json", #"{"mcpServers": {"s": {"command": "x"}}}"#)
        try fleet.write("a/s.tools-list.json", "{\"tools\": [\(tools)]}")
        let report = try fleet.report(policy: PostureFleet.policy())
        let agent = try PostureFleet.agent(report, "many").agent
        #expect(agent.tools.filter { $0.specifier != nil }.count == 5_000)
        #expect(agent.tools.filter { $0.server == "s" }.count == 3_000)
    }
}
