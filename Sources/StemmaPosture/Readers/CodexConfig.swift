import StemmaCore
import StemmaInventory

/// Codex `config.toml`: `approval_policy`, `sandbox_mode`, `[mcp_servers.*]` with `enabled_tools`,
/// `disabled_tools`, approval modes and `scopes`. The most restrictive setting wins. The profile that
/// `profile = "<name>"` selects overrides `approval_policy`, `sandbox_mode` and `web_search`; other profiles apply
/// only when chosen with `--profile`, so one that removes approval is reported as selectable.
enum CodexConfig {
    /// Whether a TOML table is a Codex config (by content).
    static func recognises(_ table: TOMLTable) -> Bool {
        if table["approval_policy"] != nil || table["sandbox_mode"] != nil || table["mcp_servers"] != nil {
            return true
        }
        // A user config may hold only profiles or project trust; other tools' TOML seldom has those shapes.
        let profiles = table["profiles"]?.tableValue?.entries ?? []
        let projects = table["projects"]?.tableValue?.entries ?? []
        return profiles.contains { $0.value["approval_policy"] != nil || $0.value["sandbox_mode"] != nil }
            || projects.contains { $0.value["trust_level"] != nil }
    }

    /// The servers, grants, facts and notes (the active profile) of one Codex config.
    static func read(
        _ table: TOMLTable, text: LineIndex, path: String, snapshots: [String: MCPToolSnapshot]
    ) -> (tools: [ToolGrant], facts: [PostureFact], scopes: [String], servers: [MCPServerConfig], notes: [String]) {
        let profile = CodexLayers.activeProfile(table, text: text, path: path)
        var facts = CodexLayers.selectableUnsafeProfiles(table, active: profile?.name, text: text, path: path)
        var notes: [String] = []
        /// A key's value and line: from the active profile when it sets the key, else from the top level.
        func setting(_ key: String) -> (String?, SourceLocation) {
            if let value = profile?.body?[key]?.stringValue {
                return (value, SourceLocation(path: path, line: text.line(of: key, from: profile?.headerOffset ?? 0)))
            }
            return (table[key]?.stringValue, SourceLocation(path: path, line: text.line(of: key)))
        }
        let (policy, policyAt) = setting("approval_policy")
        let (sandbox, sandboxAt) = setting("sandbox_mode")
        if let profile {
            notes.append(
                profile.body == nil
                    ? "Codex: profile '\(profile.name)' is selected (\(profile.location.display)) but not defined; "
                        + "the top-level settings are reported"
                    : "Codex: profile '\(profile.name)' is active (\(profile.location.display)): approval_policy "
                        + "\(policy ?? "unset"), sandbox_mode \(sandbox ?? "unset")")
        } else if let names = table["profiles"]?.tableValue?.entries.map(\.key), !names.isEmpty {
            notes.append(
                "Codex: no profile is selected in '\(path)'; profiles \(names.prefix(8).joined(separator: ", ")) "
                    + "apply only with --profile")
        }
        if policy == "never", sandbox == "danger-full-access" {
            facts.append(
                PostureFact(
                    .approvalRemovingMode,
                    "approval_policy = \"never\" with sandbox_mode = \"danger-full-access\": no human, no sandbox",
                    at: policyAt))
        }
        let network = table["sandbox_workspace_write"]?["network_access"]?.booleanValue == true
        if sandbox == "danger-full-access" || (sandbox == "workspace-write" && network) {
            facts.append(
                PostureFact(
                    .unrestrictedNetwork, "sandbox_mode \(sandbox ?? "") with network access",
                    at: network ? SourceLocation(path: path, line: text.line(of: "network_access")) : sandboxAt))
        }
        let environment = table["shell_environment_policy"]
        if environment?["inherit"]?.stringValue == "none" || environment?["inherit"]?.stringValue == "core"
            || !(environment?["exclude"]?.arrayValue?.isEmpty ?? true)
        {
            facts.append(
                PostureFact(
                    .secretsGuarded, "shell_environment_policy limits inherited variables",
                    at: SourceLocation(path: path, line: text.line(of: "[shell_environment_policy]"))))
        }
        // Built-ins: shell runs without asking under `never`, and inside the sandbox under `on-request`;
        // `untrusted` asks for everything but known-safe reads. apply_patch writes inside a writable sandbox.
        var shellApproval: ToolApproval
        switch policy {
        case "never": shellApproval = .none
        case "on-request", "on-failure": shellApproval = sandbox == "read-only" ? .ask : .none
        case "untrusted": shellApproval = .ask
        case nil: shellApproval = .ask  // Codex's default is `untrusted` for untrusted projects, `on-request` else
        default: shellApproval = .unknown
        }
        if policy == nil { shellApproval = .unknown }
        var tools: [ToolGrant] = []
        // Web search is off unless `web_search` (or the older `tools.web_search`) turns it on.
        let search = setting("web_search").0.map { $0 != "disabled" } ?? false
        let builtins =
            ["shell", "apply_patch", "read"]
            + (search || table["tools"]?["web_search"]?.booleanValue == true ? ["web_search"] : [])
        for name in builtins {
            if name == "apply_patch", sandbox == "read-only" { continue }
            let approval: ToolApproval = name == "read" ? .none : shellApproval
            tools.append(
                ToolGrant(
                    server: nil, name: name, classes: ToolClassifier.builtin(platform: "codex", tool: name) ?? [:],
                    approval: approval, source: policy == nil ? sandboxAt : policyAt))
        }
        var servers: [MCPServerConfig] = []
        var scopes: [String] = []
        for (key, value) in table["mcp_servers"]?.tableValue?.entries ?? [] {
            guard let body = value.tableValue else { continue }
            let location = SourceLocation(path: path, line: text.line(of: "[mcp_servers.\(key)]"))
            var server = MCPServerConfig(
                key: key, command: body["command"]?.stringValue,
                args: body["args"]?.arrayValue?.compactMap(\.stringValue) ?? [], url: body["url"]?.stringValue,
                enabledTools: body["enabled_tools"]?.arrayValue?.compactMap(\.stringValue),
                disabledTools: body["disabled_tools"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                defaultApproval: approval(body["default_tools_approval_mode"]?.stringValue), toolApproval: [:],
                scopes: body["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? [], location: location)
            if body["enabled"]?.booleanValue == false { continue }
            for (tool, settings) in body["tools"]?.tableValue?.entries ?? [] {
                if let mode = approval(settings["approval_mode"]?.stringValue) { server.toolApproval[tool] = mode }
            }
            for (name, secret) in body["env"]?.tableValue?.entries ?? [] {
                guard let literal = secret.stringValue,
                    let fact = SecretCheck.literalCredential(
                        name: name, value: literal, where: "mcp_servers.\(key).env.\(name)",
                        at: SourceLocation(path: path, line: text.line(of: name)))
                else { continue }
                facts.append(fact)
            }
            for (name, secret) in body["http_headers"]?.tableValue?.entries ?? [] {
                guard let literal = secret.stringValue,
                    let fact = SecretCheck.literalCredential(
                        name: name, value: literal, where: "mcp_servers.\(key).http_headers.\(name)",
                        at: SourceLocation(path: path, line: text.line(of: name)))
                else { continue }
                facts.append(fact)
            }
            if let package = server.package, !package.pinned {
                facts.append(
                    PostureFact(
                        .unpinnedServer, "MCP server '\(key)' launches \(package.name) without a pinned version",
                        at: location))
            }
            scopes += server.scopes
            servers.append(server)
            // Codex prompts for MCP tools unless configured otherwise; `never` removes the prompt.
            let fallback: ToolApproval = policy == "never" ? .none : .unknown
            tools += MCPGrants.grants(server: server, snapshot: snapshots[key], approval: { _ in (fallback, nil) })
        }
        return (tools, facts, scopes, servers, notes)
    }

    private static func approval(_ mode: String?) -> ToolApproval? {
        switch mode {
        case "prompt": return .ask
        case nil: return nil
        default: return .unknown  // `auto` and `approve` depend on annotations Codex reads at run time
        }
    }
}
