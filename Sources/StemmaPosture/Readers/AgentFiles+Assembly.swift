import StemmaCore

extension AgentFiles {
    /// The agent of this folder, then one agent per sub-agent file (with `parent`).
    func agents() -> [AgentPosture] {
        // A stable id: a `stemma.yaml` name, or an A2A card name with its provider.
        let stableName = manifest?.name ?? (card?.provider != nil ? card?.name : nil)
        let id = stableName ?? (folder.isEmpty ? "." : folder)
        let subPlatforms = Set(subAgents.map(\.platform))
        let claude = !settings.files.isEmpty || subPlatforms.contains("claude-code")
        let gemini = !geminiSettings.isEmpty || !geminiPolicies.isEmpty || subPlatforms.contains("gemini-cli")
        let copilot = subPlatforms.contains("copilot") || copilotSetup != nil
        var platforms: [String] = []
        if claude { platforms.append("claude-code") }
        if gemini { platforms.append("gemini-cli") }
        if copilot { platforms.append("copilot") }
        if cursor != nil { platforms.append("cursor") }
        if !codex.isEmpty || !codexRules.isEmpty { platforms.append("codex") }
        if !mcpServers.isEmpty && !claude && !copilot && cursor == nil { platforms.append("mcp") }
        if card != nil { platforms.append("a2a") }
        if manifest != nil { platforms.append("stemma") }
        var agent = AgentPosture(
            id: id, name: stableName ?? card?.name ?? id, platforms: platforms, hasStableID: stableName != nil)
        agent.owner = manifest?.owner
        agent.stage = manifest?.stage
        agent.dataTouched = manifest?.data ?? []
        agent.purpose = manifest?.purpose ?? card?.description
        agent.sources = sources
        agent.facts = mcpFacts
        agent.reviewGates = reviewGates
        agent.notes += reviewGates.map { "Review gate: \($0.detail) (\($0.location.display))" }
        agent.declaredTools = nil
        if let card {
            agent.cardSignature = card.signed ? .signedUnchecked : .unsigned
            if card.signed, let jwks {
                switch AgentCardSignature.verify(card: card.value, jwks: jwks) {
                case .valid(let kid):
                    agent.cardSignature = .verified
                    agent.cardSignatureDetail = "verified with key '\(kid)'"
                    agent.cardSignerKid = kid
                case .invalid(let reason):
                    agent.cardSignature = .invalid
                    agent.cardSignatureDetail = reason
                case .undecided(let reason):
                    agent.cardSignature = .undecided
                    agent.cardSignatureDetail = reason
                }
            }
            agent.cardLocation = card.location
            agent.scopes += card.scopes
            if !card.scopes.isEmpty { agent.scopeSources.append(card.location) }
        }
        if let manifest {
            agent.tools += manifest.tools
            agent.scopes += manifest.scopes
            if !manifest.scopes.isEmpty { agent.scopeSources.append(manifest.location) }
        }
        if gemini {
            let result = GeminiAgent.grants(
                settings: geminiSettings, policies: geminiPolicies, snapshots: snapshots, fallback: folder)
            agent.tools += result.tools
            agent.facts += result.facts
        }
        if copilot {
            // The Copilot cloud agent runs its tools without asking; custom agents narrow them by alias.
            let at =
                subAgents.first { $0.platform == "copilot" }?.location ?? copilotSetup.map {
                    SourceLocation(path: $0.scopesAt.path)
                }
                ?? SourceLocation(path: folder)
            for name in (CapabilityTable.builtins["copilot"] ?? [:]).keys.sorted() {
                agent.tools.append(
                    ToolGrant(
                        server: nil, name: name,
                        classes: ToolClassifier.builtin(platform: "copilot", tool: name) ?? [:],
                        approval: .none, source: at))
            }
            if let setup = copilotSetup { agent.apply(setup) }
            agent.opensPullRequests = true
        }
        if let cursor {
            let (tools, facts) = CursorAgent.grants(
                cursor, servers: claude ? [] : mcpServers, snapshots: snapshots, fallback: folder + "/.cursor")
            agent.tools += tools
            agent.facts += facts
        }
        if claude {
            agent.notes += settings.notes
            let (tools, facts) = ClaudeCodeAgent.grants(
                settings: settings, servers: mcpServers, snapshots: snapshots, fallback: folder)
            agent.tools += tools
            agent.facts += facts
        } else if cursor == nil {
            for server in mcpServers {
                // A client without permission rules (Claude Desktop, Cursor, Copilot): every listed tool is
                // reachable; Copilot runs them without asking, the others depend on the client's UI.
                agent.tools += MCPGrants.grants(
                    server: server, snapshot: snapshots[server.key], approval: { _ in (.unknown, nil) })
            }
        }
        let codexLayers = CodexLayers.trusted(configs: codex, rules: codexRules)
        agent.notes += codexLayers.notes
        for (table, text, path) in codexLayers.configs {
            let result = CodexConfig.read(table, text: text, path: path, snapshots: snapshots)
            agent.tools += result.tools
            agent.facts += result.facts
            agent.scopes += result.scopes
            agent.notes += result.notes
            if !result.scopes.isEmpty { agent.scopeSources.append(SourceLocation(path: path)) }
        }
        // Codex `prefix_rule(decision = "allow")`: the prefix runs without asking (most restrictive wins, so a
        // forbidden or prompt rule for the same prefix takes it back).
        let restricted = Set(codexLayers.rules.filter { $0.0.decision != "allow" }.map(\.0.pattern))
        for (rule, path) in codexLayers.rules where rule.decision == "allow" && !restricted.contains(rule.pattern) {
            agent.tools.append(
                ToolGrant(
                    server: nil, name: "shell", specifier: rule.pattern,
                    classes: ToolClassifier.builtin(platform: "codex", tool: "shell") ?? [:], approval: .none,
                    source: SourceLocation(path: path, line: rule.line)))
        }
        agent.facts += wildcardFacts(agent.tools)
        // A folder that only holds framework agents has no agent of its own, unless a manifest names one.
        var result = platforms.isEmpty && manifest == nil ? [] : [agent]
        // Indexes, so a folder with many agent files stays linear.
        let sourceByPath = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let parentByFile = Dictionary(frameworkChildren, uniquingKeysWith: { first, _ in first })
        for file in subAgents { result.append(subAgent(file, parent: agent, source: sourceByPath[file.location.path])) }
        for var framework in frameworkAgents {
            framework.owner = manifest?.owner
            framework.stage = manifest?.stage
            framework.dataTouched = manifest?.data ?? []
            framework.sources = framework.definedAt.flatMap { sourceByPath[$0.path] }.map { [$0] } ?? []
            framework.declaredTools = framework.tools.map(\.name)
            if let parent = framework.definedAt.flatMap({ parentByFile[$0.path] }) { framework.parent = parent }
            result.append(framework)
        }
        return result
    }

    /// `tools: ["*"]` (Copilot) or `enabled_tools = ["*"]` on a server with a writing or unknown tool.
    private func wildcardFacts(_ tools: [ToolGrant]) -> [PostureFact] {
        var facts: [PostureFact] = []
        for server in mcpServers where server.enabledTools?.contains("*") == true {
            let served = tools.filter { $0.server == server.key }
            guard served.contains(where: { $0.isWriting || $0.classesUnknown }) else { continue }
            facts.append(
                PostureFact(
                    .unrestrictedGrant, "MCP server '\(server.key)' exposes every tool (\"*\") and can write",
                    at: server.location))
        }
        return facts
    }

    /// A sub-agent: its own id when its file names it, its declared tools, and its effective tools after
    /// inheritance (all of the parent's when `tools` is absent, minus `disallowedTools`).
    private func subAgent(_ file: AgentFile, parent: AgentPosture, source: PostureSourceFile?) -> AgentPosture {
        let id = file.name ?? "\(parent.id)/\(FleetReader.name(file.location.path))"
        var agent = AgentPosture(
            id: id, name: file.name ?? id, platforms: [file.platform], hasStableID: file.name != nil)
        agent.parent = parent.id
        agent.owner = parent.owner
        agent.stage = parent.stage
        agent.dataTouched = parent.dataTouched
        agent.purpose = file.description
        agent.sources = source.map { [$0] } ?? []
        agent.declaredTools = file.tools
        agent.definedAt = file.location
        agent.scopes = parent.scopes
        agent.scopeSources = parent.scopeSources
        let denied = Set(file.disallowedTools)
        agent.tools = []
        let ownBuiltins = CapabilityTable.builtins[file.platform] ?? [:]
        for grant in parent.tools {
            // Another platform's built-ins in the same folder (a Codex shell beside Claude Code) are not inherited.
            if grant.server == nil, ownBuiltins[grant.name] == nil, !grant.source.path.hasSuffix("stemma.yaml") {
                continue
            }
            let names = Self.names(of: grant)
            guard names.isDisjoint(with: denied) else { continue }
            guard let declared = file.tools, names.isDisjoint(with: declared) else {
                agent.tools.append(grant)
                continue
            }
            // A server whose tools are unknown (`*`) still yields the tools the sub-agent names on it.
            guard grant.name == "*", let server = grant.server else { continue }
            for entry in declared {
                for prefix in ["mcp__\(server)__", "\(server)/", "\(server)__"] where entry.hasPrefix(prefix) {
                    var narrowed = grant
                    narrowed.name = String(entry.dropFirst(prefix.count))
                    agent.tools.append(narrowed)
                }
            }
        }
        let have = Set(agent.tools.map(\.displayName))
        agent.tools += ownServerGrants(file).filter { !have.contains($0.displayName) }
        agent.facts += file.serverFacts
        // Managed settings that disable bypassPermissions keep a sub-agent's own bypass off too.
        if let mode = file.permissionMode,
            mode == "dontAsk" || (mode == "bypassPermissions" && settings.bypassDisabled == nil)
        {
            agent.facts.append(
                PostureFact(
                    .approvalRemovingMode, "permissionMode \(mode): no human is asked",
                    at: SourceLocation(path: file.location.path, line: file.permissionModeLine)))
            agent.tools = agent.tools.map {
                var grant = $0; grant.approval = .none; return grant
            }
        }
        return agent
    }

    /// Tools of the servers a sub-agent declares itself (`mcpServers`): inline definitions, and names of the
    /// folder's configured servers. Declaring a server grants all of its tools unless the agent's `tools` list
    /// names some of that server's tools, which then narrow it; `disallowedTools` removes tools. Claude Code
    /// decides approval with the project's merged rules and mode, Copilot runs the tools unasked, Gemini asks.
    private func ownServerGrants(_ file: AgentFile) -> [ToolGrant] {
        let index = settings.wholeToolRules()
        let denied = Set(file.disallowedTools)
        var result: [ToolGrant] = []
        let references = Set(file.serverReferences)
        let declared = file.servers + mcpServers.filter { references.contains($0.key) }
        // Claude Code's managed server lists bind a sub-agent's servers too.
        for server in declared where file.platform != "claude-code" || settings.serves(server) {
            let grants = MCPGrants.grants(
                server: server, snapshot: snapshots[server.key],
                approval: { tool in
                    switch file.platform {
                    case "claude-code":
                        return ClaudeCodeAgent.mcpApproval(
                            settings: settings, index: index, server: server.key, tool: tool)
                    case "copilot": return (ToolApproval.none, nil)
                    default: return (.ask, nil)
                    }
                })
            let prefixes = ["mcp__\(server.key)__", "\(server.key)/", "\(server.key)__"]
            let named = (file.tools ?? []).filter { entry in prefixes.contains { entry.hasPrefix($0) } }
            for grant in grants where Self.names(of: grant).isDisjoint(with: denied) {
                if named.isEmpty || !Self.names(of: grant).isDisjoint(with: named) {
                    result.append(grant)
                } else if grant.name == "*" {
                    // Tools unknown: the names the agent lists on the server are what it reaches.
                    for entry in named {
                        guard let prefix = prefixes.first(where: { entry.hasPrefix($0) }) else { continue }
                        var narrowed = grant
                        narrowed.name = String(entry.dropFirst(prefix.count))
                        result.append(narrowed)
                    }
                }
            }
        }
        return result
    }

    /// The names a sub-agent's `tools` list may use for a grant: `Read`, `mcp__server__tool`, `mcp__server`.
    static func names(of grant: ToolGrant) -> Set<String> {
        guard let server = grant.server else { return [grant.name] }
        return [
            "mcp__\(server)__\(grant.name)", "mcp__\(server)", "mcp__\(server)__*",  // Claude Code
            "\(server)/\(grant.name)", "\(server)/*",  // Copilot
            "\(server)__\(grant.name)",  // Gemini CLI
        ]
    }
}

extension AgentPosture {
    /// What the Copilot setup job gives the agent: token scopes, each referenced secret as something its shell
    /// (`execute`) can read, literal credentials, and notes.
    mutating func apply(_ setup: CopilotSetupSteps) {
        scopes += setup.scopes
        if !setup.scopes.isEmpty { scopeSources.append(setup.scopesAt) }
        for (name, location) in setup.secrets {
            tools.append(
                ToolGrant(
                    server: nil, name: "execute", specifier: "reads secret \(name) (copilot-setup-steps)",
                    classes: [.credentialAccess: .table], approval: .none, source: location))
        }
        facts += setup.facts
        notes += setup.notes
    }
}
