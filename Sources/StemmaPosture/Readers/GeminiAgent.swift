import StemmaCore
import StemmaInventory

/// Gemini CLI: `.gemini/settings.json` (`tools.core`, `tools.exclude`, `tools.allowed`,
/// `tools.confirmationRequired`, `mcpServers` with `includeTools`/`excludeTools`/`trust`, `mcp.allowed/excluded`)
/// and policy-engine TOML (`[[rule]]` `toolName`, `mcpName`, `decision`, `priority`). The policy rule with the
/// highest priority decides (ties: deny over ask_user over allow), priorities ranked within tiers: admin policies
/// (`/etc/gemini-cli/policies`) over user policies (`~/.gemini/policies`); settings come next; then Gemini's
/// defaults (read-only tools run, the rest ask). The workspace tier is not read: Gemini CLI disables it, and
/// `.gemini/policies` in an inventory cannot be told from a user's.
enum GeminiAgent {
    static let readOnly: Set<String> = [
        "read_file", "read_many_files", "glob", "search_file_content", "google_web_search",
    ]

    struct Rule {
        var tools: [String]
        var server: String?
        var decision: String
        var priority: Int
        var narrow: Bool
        /// `toolAnnotations = {readOnlyHint = true}`: the rule applies only to tools whose hints match.
        var annotations: [String: Bool]?
        var location: SourceLocation
    }

    /// Policy tiers (`final = tier + priority/1000`): workspace 3, user 4, admin 5; kept as integers here.
    static func tier(of path: String) -> Int {
        adminFolder(path.split(separator: "/").map(String.init)) != nil ? 5 : 4
    }

    /// For a policy file's path components, how many folders above `policies` name Gemini CLI's admin policy
    /// folder (`etc/gemini-cli`: 2, `Library/Application Support/GeminiCli`: 3), or nil when it is not one.
    static func adminFolder(_ parts: [String]) -> Int? {
        let folders = parts.dropLast(2)
        if folders.suffix(2) == ["etc", "gemini-cli"] { return 2 }
        if folders.suffix(3) == ["Library", "Application Support", "GeminiCli"] { return 3 }
        return nil
    }

    static func rules(_ table: TOMLTable, text: LineIndex, path: String) -> [Rule] {
        var result: [Rule] = []
        let base = tier(of: path) * 1_000
        var from = 0
        // FleetReader refused a policy of more than 10,000 rules when it read the file.
        for entry in table["rule"]?.arrayValue ?? [] {
            guard let rule = entry.tableValue, let decision = rule["decision"]?.stringValue else { continue }
            let at = text.offset(of: "[[rule]]", from: from)
            if let at { from = at + 1 }
            // Rules for one sub-agent, or only some modes, do not shape the main agent's default session.
            if rule["subagent"] != nil { continue }
            if let modes = rule["modes"]?.arrayValue?.compactMap(\.stringValue), !modes.contains("default") { continue }
            let names =
                rule["toolName"]?.stringValue.map { [$0] } ?? rule["toolName"]?.arrayValue?.compactMap(\.stringValue)
                ?? ["*"]
            result.append(
                Rule(
                    tools: names, server: rule["mcpName"]?.stringValue, decision: decision,
                    priority: base + Int(min(max(rule["priority"]?.integerValue ?? 0, 0), 999)),
                    narrow: rule["argsPattern"] != nil || rule["commandPrefix"] != nil || rule["commandRegex"] != nil,
                    annotations: rule["toolAnnotations"]?.tableValue.map { table in
                        Dictionary(
                            table.entries.compactMap { entry in entry.value.booleanValue.map { (entry.key, $0) } },
                            uniquingKeysWith: { first, _ in first })
                    },
                    location: SourceLocation(path: path, line: at.map(text.line(at:)))))
        }
        return result
    }

    /// Whole-tool rules indexed by exact tool name, and the (bounded) rules whose names are globs: matching
    /// stays linear in rules plus tools instead of their product.
    struct RuleIndex {
        var exact: [String: [Rule]] = [:]
        var globs: [Rule] = []
        /// More glob rules than this make every decision unknown rather than quadratic.
        static let maxGlobs = 256
        var tooManyGlobs = false

        init(_ rules: [Rule]) {
            for rule in rules where !rule.narrow {
                for name in rule.tools {
                    if name.contains("*") || name.contains("?") {
                        globs.append(rule)
                    } else {
                        exact[name, default: []].append(rule)
                    }
                }
            }
            tooManyGlobs = globs.count > Self.maxGlobs
        }
    }

    /// The deciding whole-tool rule for a built-in (server nil) or an MCP tool; nil when none decides, and a
    /// synthetic `ask_user` of unknown origin when the policy has too many glob rules to evaluate.
    static func decide(
        _ index: RuleIndex, tool: String, server: String?, definition: MCPToolDefinition? = nil
    ) -> Rule? {
        let qualified = server.map { "\($0)__\(tool)" }
        var candidates = (index.exact[tool] ?? []) + (qualified.flatMap { index.exact[$0] } ?? [])
        if !index.tooManyGlobs {
            candidates += index.globs.filter { rule in
                rule.tools.contains { pattern in
                    Glob.matches(pattern: Array(pattern), text: Array(tool))
                        || qualified.map { Glob.matches(pattern: Array(pattern), text: Array($0)) } == true
                }
            }
        }
        let matching = candidates.filter { rule in
            (rule.server == nil || rule.server == server) && annotationsMatch(rule.annotations, definition)
        }
        func order(_ decision: String) -> Int { decision == "deny" ? 3 : decision == "ask_user" ? 2 : 1 }
        return matching.max { ($0.priority, order($0.decision)) < ($1.priority, order($1.decision)) }
    }

    /// Whether a rule's `toolAnnotations` hold for a tool; hints absent from a snapshot take the pessimistic
    /// defaults, and a tool without a snapshot matches no annotation condition.
    static func annotationsMatch(_ wanted: [String: Bool]?, _ tool: MCPToolDefinition?) -> Bool {
        guard let wanted else { return true }
        guard let tool else { return false }
        for (hint, value) in wanted {
            let actual: Bool?
            switch hint {
            case "readOnlyHint": actual = tool.readOnlyHint ?? false
            case "destructiveHint": actual = tool.destructiveHint ?? true
            case "openWorldHint": actual = tool.openWorldHint ?? true
            default: actual = nil
            }
            guard actual == value else { return false }
        }
        return true
    }

    static func grants(
        settings: [(JSONValue, LineIndex, String)], policies: [(TOMLTable, LineIndex, String)],
        snapshots: [String: MCPToolSnapshot], fallback: String
    ) -> (tools: [ToolGrant], facts: [PostureFact], servers: [MCPServerConfig]) {
        var collected: [Rule] = []
        for (table, text, path) in policies { collected += Self.rules(table, text: text, path: path) }
        let rules = RuleIndex(collected)
        var core: [String]?
        var excluded: Set<String> = []
        var allowed: [String: SourceLocation] = [:]
        var confirm: Set<String> = []
        var servers: [MCPServerConfig] = []
        var facts: [PostureFact] = []
        var excludedServers: Set<String> = []
        var allowedServers: [String]?
        let settingsPath = settings.last?.2 ?? fallback
        for (value, text, path) in settings {
            let tools = value["tools"]
            if let list = tools?["core"]?.arrayValue?.compactMap(\.stringValue) { core = list }
            excluded.formUnion(tools?["exclude"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            for entry in tools?["allowed"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                allowed[entry] = SourceLocation(path: path, line: text.line(of: "\"\(entry)\""))
            }
            confirm.formUnion(tools?["confirmationRequired"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            excludedServers.formUnion(value["mcp"]?["excluded"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            if let list = value["mcp"]?["allowed"]?.arrayValue?.compactMap(\.stringValue) { allowedServers = list }
            // The server count was checked when the settings were read (FleetReader), so this cannot throw.
            if let (found, secrets) = try? MCPClientConfigReader.read(value, text: text, path: path) {
                servers += found
                facts += secrets
            }
        }
        var result: [ToolGrant] = []
        let source = SourceLocation(path: settingsPath)
        for name in (CapabilityTable.builtins["gemini-cli"] ?? [:]).keys.sorted() {
            if let core, !core.contains(name) { continue }
            let classes = ToolClassifier.builtin(platform: "gemini-cli", tool: name) ?? [:]
            if let rule = decide(rules, tool: name, server: nil) {
                guard rule.decision != "deny" else { continue }
                result.append(
                    ToolGrant(
                        server: nil, name: name, classes: classes,
                        approval: rule.decision == "allow" ? ToolApproval.none : .ask, source: rule.location))
            } else if excluded.contains(name) {
                continue
            } else if let at = allowed[name] {
                result.append(ToolGrant(server: nil, name: name, classes: classes, approval: .none, source: at))
            } else {
                let approval: ToolApproval = readOnly.contains(name) && !confirm.contains(name) ? .none : .ask
                result.append(ToolGrant(server: nil, name: name, classes: classes, approval: approval, source: source))
            }
            for (entry, at) in allowed where entry.hasPrefix(name + "(") && !excluded.contains(name) {
                result.append(
                    ToolGrant(
                        server: nil, name: name, specifier: String(entry.dropFirst(name.count + 1).dropLast()),
                        classes: classes, approval: .none, source: at))
            }
        }
        result.sort { ($0.name, $0.specifier ?? "") < ($1.name, $1.specifier ?? "") }
        for server in servers where !excludedServers.contains(server.key) {
            if let allowedServers, !allowedServers.contains(server.key) { continue }
            let definitions = Dictionary(
                (snapshots[server.key]?.tools ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            result += MCPGrants.grants(
                server: server, snapshot: snapshots[server.key],
                approval: { tool in
                    let definition = definitions[tool]
                    guard let rule = decide(rules, tool: tool, server: server.key, definition: definition) else {
                        return (.ask, nil)
                    }
                    switch rule.decision {
                    case "deny": return (nil, rule.location)
                    case "allow": return (ToolApproval.none, rule.location)
                    default: return (.ask, rule.location)
                    }
                })
        }
        // Too many glob rules to evaluate: no approval is known (never a pass by omission).
        if rules.tooManyGlobs {
            result = result.map { grant in
                var copy = grant; copy.approval = .unknown; return copy
            }
        }
        return (result, facts, servers)
    }
}
