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
/// rule lists are concatenated, scalars are overridden by the later layer. Deny beats ask beats allow.
struct ClaudeCodeSettings: Sendable {
    var rules: [PermissionRule] = []
    var defaultMode: String?
    var defaultModeLocation: SourceLocation?
    var disabledServers: Set<String> = []
    var files: [String] = []
    var sandboxEnabled: Bool?
    var networkAllowlist = false
    var secretGuards: [SourceLocation] = []

    static let maxRules = 10_000

    /// Adds one settings layer.
    /// - Throws: ``StemmaError`` (`limitExceeded`) for a permission list of more than ``maxRules`` rules.
    mutating func merge(_ value: JSONValue, text: LineIndex, path: String) throws(StemmaError) {
        files.append(path)
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
                rules.append(
                    PermissionRule(
                        rule, decision: decision, location: SourceLocation(path: path, line: at.map(text.line(at:)))))
            }
        }
        if let mode = permissions?["defaultMode"]?.stringValue {
            defaultMode = mode
            defaultModeLocation = SourceLocation(path: path, line: text.line(ofKey: "defaultMode", value: mode))
        }
        let sandbox = value["sandbox"]
        if let enabled = sandbox?["enabled"]?.boolValue { sandboxEnabled = enabled }
        if sandbox?["network"]?["allowedDomains"]?.arrayValue != nil { networkAllowlist = true }
        if !(sandbox?["filesystem"]?["denyRead"]?.arrayValue?.isEmpty ?? true) || sandbox?["credentials"] != nil {
            secretGuards.append(SourceLocation(path: path, line: text.line(of: "\"sandbox\"")))
        }
        for name in value["disabledMcpjsonServers"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            disabledServers.insert(name)
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
