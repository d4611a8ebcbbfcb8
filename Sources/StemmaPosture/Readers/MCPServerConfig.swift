import StemmaCore
import StemmaCrypto

/// One MCP server an agent's client config declares.
struct MCPServerConfig: Sendable {
    var key: String
    var command: String?
    var args: [String]
    var url: String?
    /// Copilot's required `tools` list, Codex `enabled_tools`, Gemini `includeTools`; nil = every tool.
    var enabledTools: [String]?
    var disabledTools: [String]
    /// Codex `default_tools_approval_mode` and per-tool `approval_mode`.
    var defaultApproval: ToolApproval?
    var toolApproval: [String: ToolApproval]
    var scopes: [String]
    var location: SourceLocation

    /// What the server launches: its identity beside the key.
    var launch: String { url ?? ([command ?? ""] + args).joined(separator: " ") }

    var package: (name: String, pinned: Bool)? { CapabilityTable.package(command: command, args: args) }
}

/// Reads MCP client configs: `mcpServers` (Claude Code, Claude Desktop, Cursor, Gemini, Copilot) or `servers`
/// (VS Code), with literal credentials in `env` and `headers` reported as facts.
enum MCPClientConfigReader {
    static let maxServers = 1_000

    /// The server entries of a client config (nil when it declares none), all of them or an error: a server past
    /// the bound would be a grant no report shows.
    /// - Throws: ``StemmaError`` (`limitExceeded`) for more than ``maxServers``.
    static func servers(_ value: JSONValue, path: String) throws(StemmaError) -> [(String, JSONValue)]? {
        // `servers` is a common word; it means MCP servers only in VS Code's `mcp.json`.
        let named = path.hasSuffix("mcp.json")
        guard let members = (value["mcpServers"] ?? (named ? value["servers"] : nil))?.objectValue else { return nil }
        return try PostureBounds.whole(members, limit: maxServers, what: "MCP servers", in: path)
    }

    /// The servers of a client config, or nil when the JSON declares none.
    /// - Throws: ``StemmaError`` (`limitExceeded`) for more than ``maxServers`` servers.
    static func read(
        _ value: JSONValue, text: LineIndex, path: String
    ) throws(StemmaError) -> (servers: [MCPServerConfig], facts: [PostureFact])? {
        guard let members = try servers(value, path: path) else { return nil }
        var servers: [MCPServerConfig] = []
        var facts: [PostureFact] = []
        for (key, body) in members where body.objectValue != nil {
            let location = SourceLocation(path: path, line: text.line(of: "\"\(key)\""))
            var server = MCPServerConfig(
                key: key, command: body["command"]?.stringValue,
                args: body["args"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                url: (body["url"] ?? body["httpUrl"] ?? body["serverUrl"])?.stringValue,
                enabledTools: (body["tools"] ?? body["includeTools"])?.arrayValue?.compactMap(\.stringValue),
                disabledTools: body["excludeTools"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                defaultApproval: nil, toolApproval: [:], scopes: [], location: location)
            // Gemini `trust: true` skips confirmation; Copilot's cloud agent (its config requires `tools`) never asks.
            if body["trust"]?.boolValue == true || body["tools"] != nil { server.defaultApproval = ToolApproval.none }
            for section in ["env", "headers"] {
                for (name, secret) in body[section]?.objectValue ?? [] {
                    guard let literal = secret.stringValue,
                        let fact = SecretCheck.literalCredential(
                            name: name, value: literal, where: "\(key).\(section).\(name)",
                            at: SourceLocation(path: path, line: text.line(ofKey: name, value: literal)))
                    else { continue }
                    facts.append(fact)
                }
            }
            if let package = server.package, !package.pinned {
                facts.append(
                    PostureFact(
                        .unpinnedServer, "MCP server '\(key)' launches \(package.name) without a pinned version",
                        at: location))
            }
            servers.append(server)
        }
        return (servers, facts)
    }
}

/// Recognises literal credentials: a secret-named key with a literal value, or a value with a known token shape.
/// Only the location and a SHA-256 prefix of the value are ever reported.
enum SecretCheck {
    static let secretNames = [
        "token", "secret", "password", "passwd", "api_key", "apikey", "authorization",
        "credential", "private_key", "access_key",
    ]
    static let tokenPrefixes = [
        "sk-", "ghp_", "gho_", "github_pat_", "xoxb-", "xoxp-", "AKIA", "ASIA", "glpat-",
        "hf_", "AIza",
    ]

    static func literalCredential(name: String, value: String, where place: String, at location: SourceLocation)
        -> PostureFact?
    {
        var stripped = value.trimmedWhitespace
        for scheme in ["Bearer ", "Basic ", "token "] where stripped.hasPrefix(scheme) {
            stripped = String(stripped.dropFirst(scheme.count)).trimmedWhitespace
        }
        // A reference to the environment or an input is not a literal: ${VAR}, $VAR, ${input:id}, {{secret}}.
        guard !stripped.isEmpty, !stripped.hasPrefix("$"), !stripped.hasPrefix("{{"), !stripped.hasPrefix("<") else {
            return nil
        }
        let lowered = name.lowercased()
        let namedSecret = secretNames.contains { lowered.contains($0) } || lowered.hasSuffix("_key")
        let shaped = tokenPrefixes.contains { stripped.hasPrefix($0) } && stripped.count >= 16
        guard (namedSecret && stripped.count >= 8) || shaped else { return nil }
        let digest = (try? Digest.compute(.sha256, Array(value.utf8))).map { Hex.encode($0.prefix(6)) } ?? "?"
        return PostureFact(
            .literalCredential, "literal credential in \(place) (sha256:\(digest)…)", at: location)
    }
}
