import StemmaCore

/// A Markdown agent file (`.claude/agents/*.md`, `.gemini/agents/*.md`, `.github/agents/*.agent.md`): front
/// matter `name`, `description`, `tools` (absent = inherits every tool of the parent), `disallowedTools`,
/// `permissionMode`, and the agent's own MCP servers (`mcpServers`, Copilot `mcp-servers`).
struct AgentFile: Sendable {
    /// `claude-code`, `gemini-cli` or `copilot`, from the folder the file is in.
    var platform: String
    var name: String?
    var description: String?
    /// nil when the file has no `tools` key (inherits everything).
    var tools: [String]?
    var disallowedTools: [String]
    var permissionMode: String?
    var location: SourceLocation
    var permissionModeLine: Int?
    /// `mcpServers` (Claude Code, Gemini CLI) or `mcp-servers` (Copilot): servers the agent declares itself.
    var servers: [MCPServerConfig] = []
    /// `mcpServers` entries that name a server already configured for the project.
    var serverReferences: [String] = []
    /// Literal credentials and unpinned launches in the agent's own servers.
    var serverFacts: [PostureFact] = []

    /// Reads the front matter, or throws when it is missing or not YAML.
    static func read(_ bytes: [UInt8], path: String) throws(StemmaError) -> AgentFile {
        guard let (body, offset) = frontMatter(bytes) else {
            throw StemmaError(.malformedInput, "'\(path)' has no YAML front matter")
        }
        guard let node = try YAMLNode.documents(body, source: path).first, node.isMapping else {
            throw StemmaError(.malformedInput, "'\(path)' front matter is not a mapping")
        }
        let platform =
            path.contains(".gemini/agents/")
            ? "gemini-cli" : path.contains(".github/agents/") ? "copilot" : "claude-code"
        var file = AgentFile(
            platform: platform, name: node["name"]?.string, description: node["description"]?.string,
            tools: node["tools"]?.stringList, disallowedTools: node["disallowedTools"]?.stringList ?? [],
            permissionMode: node["permissionMode"]?.string, location: SourceLocation(path: path, line: 1),
            permissionModeLine: node["permissionMode"]?.line.map { $0 + offset })
        if let servers = node["mcpServers"] ?? node["mcp-servers"] { file.readServers(servers, offset: offset) }
        return file
    }

    /// A list of names and `{name: config}` mappings (Claude Code), or one mapping of name to config (Gemini,
    /// Copilot). A config has the MCP client keys: `command`, `args`, `url`, `env`, `headers`, and the filters
    /// `tools`/`includeTools`/`excludeTools`, `trust`.
    private mutating func readServers(_ node: YAMLNode, offset: Int) {
        var inline: [(String, YAMLNode)] = []
        for item in (node.items ?? []).prefix(MCPClientConfigReader.maxServers) {
            if let name = item.string { serverReferences.append(name) } else { inline += item.pairs }
        }
        inline += node.pairs.prefix(MCPClientConfigReader.maxServers)
        for (key, body) in inline where body.isMapping {
            let at = SourceLocation(path: location.path, line: body.line.map { $0 + offset })
            var server = MCPServerConfig(
                key: key, command: body["command"]?.string, args: body["args"]?.stringList ?? [],
                url: (body["url"] ?? body["httpUrl"] ?? body["serverUrl"])?.string,
                enabledTools: (body["tools"] ?? body["includeTools"])?.stringList,
                disabledTools: body["excludeTools"]?.stringList ?? [], defaultApproval: nil, toolApproval: [:],
                scopes: [], location: at)
            if body["trust"]?.bool == true || (platform == "copilot" && body["tools"] != nil) {
                server.defaultApproval = ToolApproval.none
            }
            for section in ["env", "headers"] {
                serverFacts += SecretCheck.literalCredentials(
                    in: body[section]?.pairs ?? [], place: "\(key).\(section)", path: location.path, lineOffset: offset)
            }
            if let package = server.package, !package.pinned {
                serverFacts.append(
                    PostureFact(
                        .unpinnedServer, "MCP server '\(key)' launches \(package.name) without a pinned version", at: at
                    ))
            }
            servers.append(server)
        }
    }

    /// The text between a first line `---` and the next `---` line, and the number of lines before it.
    static func frontMatter(_ bytes: [UInt8]) -> ([UInt8], Int)? {
        var start = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start = 3 }
        let lines = bytes[start...].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard let first = lines.first, trimmed(first) == Array("---".utf8) else { return nil }
        var offset = start + first.count + 1
        let bodyStart = offset
        for line in lines.dropFirst() {
            if trimmed(line) == Array("---".utf8) { return (Array(bytes[bodyStart..<offset]), 1) }
            offset += line.count + 1
        }
        return nil
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> [UInt8] {
        var result = Array(line)
        while let last = result.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: " ") { result.removeLast() }
        return result
    }
}
