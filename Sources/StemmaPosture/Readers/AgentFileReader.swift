import StemmaCore

/// A Markdown agent file (`.claude/agents/*.md`, `.gemini/agents/*.md`, `.github/agents/*.agent.md`): front
/// matter `name`, `description`, `tools` (absent = inherits every tool of the parent), `disallowedTools`,
/// `permissionMode`.
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
        return AgentFile(
            platform: platform, name: node["name"]?.string, description: node["description"]?.string,
            tools: node["tools"]?.stringList, disallowedTools: node["disallowedTools"]?.stringList ?? [],
            permissionMode: node["permissionMode"]?.string, location: SourceLocation(path: path, line: 1),
            permissionModeLine: node["permissionMode"]?.line.map { $0 + offset })
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
