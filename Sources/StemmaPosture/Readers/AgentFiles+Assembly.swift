import StemmaCore

extension AgentFiles {
    /// The agent of this folder, then one agent per sub-agent file (with `parent`).
    func agents() -> [AgentPosture] {
        // A stable id: a `stemma.yaml` name, or an A2A card name with its provider.
        let stableName = manifest?.name ?? (card?.provider != nil ? card?.name : nil)
        let id = stableName ?? (folder.isEmpty ? "." : folder)
        var platforms: [String] = []
        if !settings.files.isEmpty || !subAgents.isEmpty { platforms.append("claude-code") }
        if !codex.isEmpty { platforms.append("codex") }
        if !mcpServers.isEmpty && settings.files.isEmpty && subAgents.isEmpty { platforms.append("mcp") }
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
        agent.declaredTools = nil
        if let card {
            agent.cardSignature = card.signed ? .signedUnchecked : .unsigned
            agent.cardLocation = card.location
            agent.scopes += card.scopes
            if !card.scopes.isEmpty { agent.scopeSources.append(card.location) }
        }
        if let manifest {
            agent.tools += manifest.tools
            agent.scopes += manifest.scopes
            if !manifest.scopes.isEmpty { agent.scopeSources.append(manifest.location) }
        }
        if !settings.files.isEmpty || !subAgents.isEmpty {
            let (tools, facts) = ClaudeCodeAgent.grants(
                settings: settings, servers: mcpServers, snapshots: snapshots, fallback: folder)
            agent.tools += tools
            agent.facts += facts
        } else {
            for server in mcpServers {
                // A client without permission rules (Claude Desktop, Cursor, Copilot): every listed tool is
                // reachable; Copilot runs them without asking, the others depend on the client's UI.
                agent.tools += MCPGrants.grants(
                    server: server, snapshot: snapshots[server.key], approval: { _ in (.unknown, nil) })
            }
        }
        for (table, text, path) in codex {
            let result = CodexConfig.read(table, text: text, path: path, snapshots: snapshots)
            agent.tools += result.tools
            agent.facts += result.facts
            agent.scopes += result.scopes
            if !result.scopes.isEmpty { agent.scopeSources.append(SourceLocation(path: path)) }
        }
        agent.facts += wildcardFacts(agent.tools)
        var result = [agent]
        for file in subAgents { result.append(subAgent(file, parent: agent)) }
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
    private func subAgent(_ file: AgentFile, parent: AgentPosture) -> AgentPosture {
        let id = file.name ?? "\(parent.id)/\(FleetReader.name(file.location.path))"
        var agent = AgentPosture(
            id: id, name: file.name ?? id, platforms: ["claude-code"], hasStableID: file.name != nil)
        agent.parent = parent.id
        agent.owner = parent.owner
        agent.stage = parent.stage
        agent.dataTouched = parent.dataTouched
        agent.purpose = file.description
        agent.sources = sources.filter { $0.path == file.location.path }
        agent.declaredTools = file.tools
        agent.definedAt = file.location
        agent.scopes = parent.scopes
        agent.scopeSources = parent.scopeSources
        let denied = Set(file.disallowedTools)
        agent.tools = parent.tools.filter { grant in
            let names = Self.names(of: grant)
            guard names.isDisjoint(with: denied) else { return false }
            guard let declared = file.tools else { return true }
            return !names.isDisjoint(with: declared)
        }
        if let mode = file.permissionMode, mode == "bypassPermissions" || mode == "dontAsk" {
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

    /// The names a sub-agent's `tools` list may use for a grant: `Read`, `mcp__server__tool`, `mcp__server`.
    static func names(of grant: ToolGrant) -> Set<String> {
        guard let server = grant.server else { return [grant.name] }
        return ["mcp__\(server)__\(grant.name)", "mcp__\(server)", "mcp__\(server)__*"]
    }
}
