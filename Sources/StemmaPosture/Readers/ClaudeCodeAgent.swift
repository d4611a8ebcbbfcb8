import StemmaCore

/// Effective Claude Code grants: built-in tools and MCP tools under the merged permission rules and mode.
enum ClaudeCodeAgent {
    static let readOnlyTools: Set<String> = ["Read", "Glob", "Grep", "LS", "Agent", "Task", "WebSearch"]
    static let editTools: Set<String> = ["Edit", "Write", "MultiEdit", "NotebookEdit"]

    /// The grants of the main agent of a project, and the facts its settings show (modes, wildcards).
    static func grants(
        settings: ClaudeCodeSettings, servers: [MCPServerConfig], snapshots: [String: MCPToolSnapshot],
        fallback: String
    ) -> (tools: [ToolGrant], facts: [PostureFact]) {
        var tools: [ToolGrant] = []
        var facts: [PostureFact] = []
        let modeSource = settings.defaultModeLocation ?? SourceLocation(path: settings.files.first ?? fallback)
        if let mode = settings.defaultMode, mode == "bypassPermissions" || mode == "dontAsk",
            let location = settings.defaultModeLocation
        {
            facts.append(PostureFact(.approvalRemovingMode, "defaultMode \(mode): no human is asked", at: location))
        }
        if settings.sandboxEnabled != true || !settings.networkAllowlist {
            facts.append(
                PostureFact(
                    .unrestrictedNetwork, "no sandbox network allowlist (sandbox.enabled and network.allowedDomains)",
                    at: SourceLocation(path: settings.files.first ?? fallback)))
        }
        for rule in settings.rules where rule.decision == .deny && rule.tool == "Read" {
            facts.append(PostureFact(.secretsGuarded, "deny Read(\(rule.specifier ?? "*"))", at: rule.location))
        }
        for location in settings.secretGuards {
            facts.append(PostureFact(.secretsGuarded, "sandbox denyRead / credentials", at: location))
        }
        let index = settings.wholeToolRules()
        var narrowRules: [String: [PermissionRule]] = [:]
        for rule in settings.rules where rule.decision == .allow && !rule.isWildcardSpecifier {
            narrowRules[rule.tool, default: []].append(rule)
        }
        let builtins = CapabilityTable.builtins["claude-code"] ?? [:]
        for name in builtins.keys.sorted() {
            let classes = ToolClassifier.builtin(platform: "claude-code", tool: name) ?? [:]
            let rule = ClaudeCodeSettings.decision(for: [name], in: index)
            if rule?.decision == .deny { continue }
            if let rule {
                tools.append(
                    ToolGrant(
                        server: nil, name: name, classes: classes,
                        approval: rule.decision == .allow ? ToolApproval.none : .ask, source: rule.location))
                if rule.decision == .allow,
                    ["Bash", "PowerShell"].contains(name) || (name == "Read" && rule.specifier == "//**")
                {
                    facts.append(
                        PostureFact(
                            .unrestrictedGrant, "allow \(name)\(rule.specifier.map { "(\($0))" } ?? "") without limits",
                            at: rule.location))
                }
            } else if let approval = settings.modeApproval(
                readOnly: readOnlyTools.contains(name), edits: editTools.contains(name))
            {
                tools.append(
                    ToolGrant(server: nil, name: name, classes: classes, approval: approval, source: modeSource))
            }
            // Narrow allow rules: the tool runs without asking for the matching calls.
            for narrow in narrowRules[name] ?? [] {
                tools.append(
                    ToolGrant(
                        server: nil, name: name, specifier: narrow.specifier, classes: classes, approval: .none,
                        source: narrow.location))
            }
        }
        for server in servers where settings.serves(server) {
            tools += MCPGrants.grants(
                server: server, snapshot: snapshots[server.key],
                approval: { mcpApproval(settings: settings, index: index, server: server.key, tool: $0) })
        }
        return (tools, facts)
    }

    /// An MCP tool under the merged rules (`mcp__server`, `mcp__server__*`, `mcp__server__tool`) and mode: nil
    /// approval when denied, with the deciding rule's location.
    static func mcpApproval(
        settings: ClaudeCodeSettings, index: [String: PermissionRule], server: String, tool: String
    ) -> (ToolApproval?, SourceLocation?) {
        let rule = ClaudeCodeSettings.decision(
            for: ["mcp__\(server)", "mcp__\(server)__*", "mcp__\(server)__\(tool)"], in: index)
        switch rule?.decision {
        case .deny: return (nil, rule?.location)
        case .allow: return (ToolApproval.none, rule?.location)
        case .ask: return (.ask, rule?.location)
        case nil: return (settings.modeApproval(readOnly: false, edits: false), nil)
        }
    }
}

/// Grants for the tools of one MCP server: the snapshot's tools through the server's filters, or one `*` grant
/// (classes from the package table, otherwise unknown) when there is no snapshot.
enum MCPGrants {
    /// `approval` returns nil for a denied tool, with the rule's location when a rule decided.
    static func grants(
        server: MCPServerConfig, snapshot: MCPToolSnapshot?,
        approval: (String) -> (ToolApproval?, SourceLocation?)
    ) -> [ToolGrant] {
        let package = server.package?.name
        guard let snapshot else {
            // Known only by name: the filter's names when it lists them, otherwise one `*` grant.
            let names = server.enabledTools.flatMap { $0.contains("*") ? nil : $0 } ?? ["*"]
            var result: [ToolGrant] = []
            for name in names where !server.disabledTools.contains(name) {
                let (decided, location) = approval(name)
                guard let decided else { continue }
                result.append(
                    ToolGrant(
                        server: server.key, serverLaunch: server.launch, name: name,
                        classes: ToolClassifier.mcpTool(package: package, tool: nil, name: name == "*" ? "" : name),
                        classesUnknown: package.flatMap { CapabilityTable.mcpPackages[$0] } == nil,
                        approval: server.toolApproval[name] ?? server.defaultApproval ?? decided,
                        source: location ?? server.location))
            }
            return result
        }
        var result: [ToolGrant] = []
        for tool in snapshot.tools {
            if let enabled = server.enabledTools, !enabled.contains("*"), !enabled.contains(tool.name) { continue }
            if server.disabledTools.contains(tool.name) { continue }
            let (decided, location) = approval(tool.name)
            guard let decided else { continue }
            let configured = server.toolApproval[tool.name] ?? server.defaultApproval
            result.append(
                ToolGrant(
                    server: server.key, serverLaunch: server.launch, name: tool.name,
                    classes: ToolClassifier.mcpTool(package: package, tool: tool, name: tool.name),
                    approval: configured ?? decided,
                    source: location ?? SourceLocation(path: snapshot.path, line: tool.line)))
        }
        return result
    }
}
