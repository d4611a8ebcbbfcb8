import StemmaCore

/// Cursor: CLI permissions `.cursor/cli.json` (`permissions.allow/deny` with `Shell(cmd)`, `Read(glob)`,
/// `Write(glob)`, `WebFetch(domain)`, `Mcp(server:tool)`; deny wins; anything else asks) and the auto-run
/// `permissions.json` (`mcpAllowlist` `server:tool`, `terminalAllowlist` command prefixes: run without asking).
/// Cursor's docs say the allowlists are best effort, not a security boundary, so they only lower approval.
enum CursorAgent {
    struct Permissions {
        var allow: [(String, SourceLocation)] = []
        var deny: [String] = []
        var autoRunMCP: [(String, SourceLocation)] = []
        var autoRunTerminal: [(String, SourceLocation)] = []
    }

    /// Adds a `cli.json` or `permissions.json` (both may have comments: JSONC is stripped first by the caller).
    static func merge(_ value: JSONValue, text: LineIndex, path: String, into permissions: inout Permissions) {
        for entry in value["permissions"]?["allow"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            permissions.allow.append((entry, SourceLocation(path: path, line: text.line(of: "\"\(entry)\""))))
        }
        permissions.deny += value["permissions"]?["deny"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for entry in value["mcpAllowlist"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            permissions.autoRunMCP.append((entry, SourceLocation(path: path, line: text.line(of: "\"\(entry)\""))))
        }
        for entry in value["terminalAllowlist"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
            permissions.autoRunTerminal.append((entry, SourceLocation(path: path, line: text.line(of: "\"\(entry)\""))))
        }
    }

    static func grants(
        _ permissions: Permissions, servers: [MCPServerConfig], snapshots: [String: MCPToolSnapshot], fallback: String
    ) -> (tools: [ToolGrant], facts: [PostureFact]) {
        var tools: [ToolGrant] = []
        var facts: [PostureFact] = []
        let wildcard: Set<String> = ["*", "**", "**/*"]
        for name in (CapabilityTable.builtins["cursor"] ?? [:]).keys.sorted() {
            let classes = ToolClassifier.builtin(platform: "cursor", tool: name) ?? [:]
            if permissions.deny.contains(where: { token in
                Self.split(token).map { $0.0 == name && wildcard.contains($0.1) } ?? (token == name)
            }) {
                continue
            }
            tools.append(
                ToolGrant(
                    server: nil, name: name, classes: classes, approval: name == "Read" ? .none : .ask,
                    source: SourceLocation(path: fallback)))
            for (token, at) in permissions.allow {
                guard let (tool, argument) = Self.split(token), tool == name else { continue }
                tools.append(
                    ToolGrant(
                        server: nil, name: name, specifier: argument, classes: classes, approval: .none, source: at))
                if name == "Shell", wildcard.contains(argument) {
                    facts.append(PostureFact(.unrestrictedGrant, "allow \(token) without limits", at: at))
                }
            }
            if name == "Shell" {
                for (prefix, at) in permissions.autoRunTerminal {
                    tools.append(
                        ToolGrant(
                            server: nil, name: name, specifier: prefix, classes: classes, approval: .none, source: at))
                }
            }
        }
        for server in servers {
            tools += MCPGrants.grants(
                server: server, snapshot: snapshots[server.key],
                approval: { tool in
                    let keys = ["\(server.key):\(tool)", "\(server.key):*"]
                    if permissions.deny.contains(where: { token in
                        Self.split(token).map { $0.0 == "Mcp" && keys.contains($0.1) } ?? false
                    }) {
                        return (nil, nil)
                    }
                    if let (_, at) = permissions.allow.first(where: { token, _ in
                        Self.split(token).map { $0.0 == "Mcp" && keys.contains($0.1) } ?? false
                    }) {
                        return (ToolApproval.none, at)
                    }
                    if let (_, at) = permissions.autoRunMCP.first(where: { keys.contains($0.0) }) {
                        return (ToolApproval.none, at)
                    }
                    return (.ask, nil)
                })
        }
        return (tools, facts)
    }

    /// `Shell(git)` → ("Shell", "git").
    static func split(_ token: String) -> (String, String)? {
        guard let open = token.firstIndex(of: "("), token.hasSuffix(")") else { return nil }
        return (String(token[..<open]), String(token[token.index(after: open)..<token.index(before: token.endIndex)]))
    }

    /// JSONC to JSON: `//` and `/* */` comments outside strings become spaces (lines and offsets are kept).
    static func stripComments(_ bytes: [UInt8]) -> [UInt8] {
        var result = bytes
        var index = 0
        var inString = false
        while index < result.count {
            let byte = result[index]
            if inString {
                if byte == UInt8(ascii: "\\") { index += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false }
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "/"), index + 1 < result.count, result[index + 1] == UInt8(ascii: "/") {
                while index < result.count, result[index] != UInt8(ascii: "\n") {
                    result[index] = UInt8(ascii: " ")
                    index += 1
                }
                continue
            } else if byte == UInt8(ascii: "/"), index + 1 < result.count, result[index + 1] == UInt8(ascii: "*") {
                while index < result.count {
                    let closing =
                        result[index] == UInt8(ascii: "*") && index + 1 < result.count
                        && result[index + 1] == UInt8(ascii: "/")
                    if result[index] != UInt8(ascii: "\n") { result[index] = UInt8(ascii: " ") }
                    if closing {
                        result[index + 1] = UInt8(ascii: " ")
                        index += 2
                        break
                    }
                    index += 1
                }
                continue
            }
            index += 1
        }
        return result
    }
}
