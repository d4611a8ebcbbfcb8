import StemmaCore

/// One Claude Code permission rule: `Tool` or `Tool(specifier)` under `allow`, `ask` or `deny`.
struct PermissionRule: Sendable, Equatable {
    enum Decision: String, Sendable {
        case allow, ask, deny
    }

    var decision: Decision
    var tool: String
    var specifier: String?
    var location: SourceLocation
    /// Read from `managed-settings.json`.
    var managed = false

    /// Parses `Bash(npm run *)` into tool `Bash` and specifier `npm run *`.
    init(_ text: String, decision: Decision, location: SourceLocation) {
        self.decision = decision
        self.location = location
        if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
            tool = String(text[..<open])
            specifier = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
        } else {
            tool = text
            specifier = nil
        }
    }

    /// A specifier that narrows nothing (`*`, `:*`, `//**`, `**`).
    var isWildcardSpecifier: Bool { specifier.map { ["*", ":*", "//**", "**", "/**"].contains($0) } ?? true }
}

/// Claude Code settings merged over layers (`.claude/settings.json`, then `.claude/settings.local.json`):
/// rule lists are concatenated, scalars are overridden by the later layer. Deny beats ask beats allow. Managed
/// settings (`managed-settings.json`) take precedence over every other layer and cannot be overridden: their
/// `defaultMode` wins, their `disableBypassPermissionsMode: "disable"` keeps bypassPermissions off,
/// `allowManagedPermissionRulesOnly` drops the other layers' rules, and `allowedMcpServers`/`deniedMcpServers`
/// (by `serverName`) limit the servers.
struct ClaudeCodeSettings: Sendable {
    private var layerRules: [PermissionRule] = []
    private var layerMode: (String, SourceLocation)?
    private var managedMode: (String, SourceLocation)?
    var disabledServers: Set<String> = []
    /// Managed `deniedMcpServers` entries.
    var deniedServerEntries = ServerEntries()
    /// Managed `allowedMcpServers` entries; nil when no managed allowlist exists.
    var allowedServerEntries: ServerEntries?
    var files: [String] = []
    var managedFiles: [String] = []
    /// Where managed settings turned on `allowManagedPermissionRulesOnly`.
    var managedRulesOnly: SourceLocation?
    /// Where managed settings set `disableBypassPermissionsMode: "disable"`.
    var bypassDisabled: SourceLocation?
    /// `sandbox.enabled` of the non-managed layers (the last read wins) and of the managed layer, which wins.
    private var layerSandbox: Bool?
    private var managedSandbox: Bool?
    var sandboxEnabled: Bool? { managedSandbox ?? layerSandbox }

    static let maxRules = 10_000
    var networkAllowlist = false
    var secretGuards: [SourceLocation] = []

    /// The rules in force: every layer's, or only the managed ones under `allowManagedPermissionRulesOnly`.
    var rules: [PermissionRule] { managedRulesOnly == nil ? layerRules : layerRules.filter(\.managed) }

    /// The merged `defaultMode`: managed first; bypassPermissions does not take effect when managed settings
    /// disable it (Claude Code then starts in `default`).
    var defaultMode: String? {
        guard let mode = (managedMode ?? layerMode)?.0 else { return nil }
        return mode == "bypassPermissions" && bypassDisabled != nil ? "default" : mode
    }

    var defaultModeLocation: SourceLocation? {
        guard let (mode, location) = managedMode ?? layerMode else { return nil }
        return mode == "bypassPermissions" && bypassDisabled != nil ? bypassDisabled : location
    }

    /// For people: how the managed layer changed the result.
    var notes: [String] {
        var notes: [String] = []
        for file in managedFiles {
            notes.append("Claude Code: managed settings '\(file)' take precedence over the project and user layers")
        }
        if let at = managedRulesOnly {
            let ignored = layerRules.filter { !$0.managed }.count
            notes.append(
                "Claude Code: allowManagedPermissionRulesOnly (\(at.display)): \(ignored) rule(s) of other layers ignored"
            )
        }
        if let (mode, at) = layerMode, let disabled = bypassDisabled, mode == "bypassPermissions", managedMode == nil {
            notes.append(
                "Claude Code: defaultMode bypassPermissions (\(at.display)) cannot take effect: managed "
                    + "disableBypassPermissionsMode (\(disabled.display))")
        }
        return notes
    }

    /// Adds one settings layer; `managed` for `managed-settings.json`.
    /// - Throws: ``StemmaError`` (`limitExceeded`) for a permission list of more than ``maxRules`` rules.
    mutating func merge(
        _ value: JSONValue, text: LineIndex, path: String, managed: Bool = false
    ) throws(StemmaError) {
        files.append(path)
        if managed { managedFiles.append(path) }
        let permissions = value["permissions"]
        for decision in [PermissionRule.Decision.allow, .ask, .deny] {
            var from = text.offset(of: "\"\(decision.rawValue)\"") ?? 0
            let entries = try PostureBounds.whole(
                permissions?[decision.rawValue]?.arrayValue, limit: Self.maxRules,
                what: "permissions.\(decision.rawValue) rules", in: path)
            for entry in entries {
                guard let rule = entry.stringValue else { continue }
                let at = text.offset(of: Self.jsonQuoted(rule), from: from)
                if let at { from = at + 1 }
                var parsed = PermissionRule(
                    rule, decision: decision, location: SourceLocation(path: path, line: at.map(text.line(at:))))
                parsed.managed = managed
                layerRules.append(parsed)
            }
        }
        if let mode = permissions?["defaultMode"]?.stringValue {
            let location = SourceLocation(path: path, line: text.line(ofKey: "defaultMode", value: mode))
            if managed { managedMode = (mode, location) } else { layerMode = (mode, location) }
        }
        if managed {
            if permissions?["disableBypassPermissionsMode"]?.stringValue == "disable" {
                bypassDisabled = SourceLocation(path: path, line: text.line(of: "\"disableBypassPermissionsMode\""))
            }
            if value["allowManagedPermissionRulesOnly"]?.boolValue == true
                || permissions?["allowManagedPermissionRulesOnly"]?.boolValue == true
            {
                managedRulesOnly = SourceLocation(
                    path: path, line: text.line(of: "\"allowManagedPermissionRulesOnly\""))
            }
            deniedServerEntries.add(value["deniedMcpServers"]?.arrayValue ?? [])
            if let list = value["allowedMcpServers"]?.arrayValue {
                var entries = allowedServerEntries ?? ServerEntries()
                entries.add(list)
                allowedServerEntries = entries
            }
        }
        let sandbox = value["sandbox"]
        if let enabled = sandbox?["enabled"]?.boolValue {
            if managed { managedSandbox = enabled } else { layerSandbox = enabled }
        }
        if sandbox?["network"]?["allowedDomains"]?.arrayValue != nil { networkAllowlist = true }
        if !(sandbox?["filesystem"]?["denyRead"]?.arrayValue?.isEmpty ?? true) || sandbox?["credentials"] != nil {
            secretGuards.append(SourceLocation(path: path, line: text.line(of: "\"sandbox\"")))
        }
        for name in value["disabledMcpjsonServers"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            disabledServers.insert(name)
        }
    }

    /// Whether a server of the folder's MCP configs is available: not disabled, not on the managed denylist, and
    /// on the managed allowlist when there is one (an allowlist with too many URL patterns to evaluate allows
    /// every server: over-reporting, never hiding one).
    func serves(_ server: MCPServerConfig) -> Bool {
        guard !disabledServers.contains(server.key), deniedServerEntries.matches(server) != true else { return false }
        return allowedServerEntries.map { $0.matches(server) ?? true } ?? true
    }

    /// Managed server entries: `{"serverName"}`, `{"serverCommand": [command, args…]}` (exact) or `{"serverUrl"}`
    /// (`*` wildcards), indexed so each server is checked in time independent of the list's length.
    struct ServerEntries: Sendable {
        var names: Set<String> = []
        var commands: Set<[String]> = []
        var urls: [[Character]] = []
        var tooManyURLs = false
        static let maxURLs = 256

        mutating func add(_ entries: [JSONValue]) {
            // Every entry: a list cut short would hide an allowed server (the settings file's size bounds it).
            for entry in entries {
                if let name = entry["serverName"]?.stringValue { names.insert(name) }
                if let command = entry["serverCommand"]?.arrayValue?.compactMap(\.stringValue) {
                    commands.insert(command)
                }
                if let url = entry["serverUrl"]?.stringValue {
                    if urls.count < Self.maxURLs { urls.append(Array(url)) } else { tooManyURLs = true }
                }
            }
        }

        /// Whether an entry names the server; nil when only unevaluated URL patterns could.
        func matches(_ server: MCPServerConfig) -> Bool? {
            if names.contains(server.key) { return true }
            if let command = server.command, commands.contains([command] + server.args) { return true }
            if let url = server.url, urls.contains(where: { Glob.matches(pattern: $0, text: Array(url)) }) {
                return true
            }
            return tooManyURLs && server.url != nil ? nil : false
        }
    }

    /// The strongest whole-tool rule per tool name: deny > ask > allow (the first of each kind in layer order).
    func wholeToolRules() -> [String: PermissionRule] {
        var result: [String: PermissionRule] = [:]
        func rank(_ decision: PermissionRule.Decision) -> Int { decision == .deny ? 3 : decision == .ask ? 2 : 1 }
        for rule in rules where rule.isWildcardSpecifier {
            if let old = result[rule.tool], rank(old.decision) >= rank(rule.decision) { continue }
            result[rule.tool] = rule
        }
        return result
    }

    /// The strongest rule among several names for one tool (`Bash`, or `mcp__s`, `mcp__s__*`, `mcp__s__t`).
    static func decision(for tools: [String], in index: [String: PermissionRule]) -> PermissionRule? {
        let matching = tools.compactMap { index[$0] }
        return matching.first { $0.decision == .deny } ?? matching.first { $0.decision == .ask }
            ?? matching.first { $0.decision == .allow }
    }

    /// What happens to a tool no rule names, under the merged `defaultMode`.
    func modeApproval(readOnly: Bool, edits: Bool) -> ToolApproval? {
        switch defaultMode ?? "default" {
        case "bypassPermissions": return ToolApproval.none
        case "dontAsk": return readOnly ? ToolApproval.none : nil  // not pre-approved: denied without asking
        case "acceptEdits": return readOnly || edits ? ToolApproval.none : .ask
        case "plan": return readOnly ? ToolApproval.none : nil
        case "default", "auto", "delegate": return readOnly ? ToolApproval.none : .ask
        default: return .unknown
        }
    }

    private static func jsonQuoted(_ text: String) -> String {
        "\"" + text.replacingBackslashesAndQuotes() + "\""
    }
}

extension String {
    /// The JSON string body for `self` (backslashes and quotes escaped), to find it in the file.
    fileprivate func replacingBackslashesAndQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\\" || character == "\"" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
