import StemmaCore

/// One `Tool` of an MCP `tools/list` result (spec 2025-11-25): the name and the behaviour hints.
struct MCPToolDefinition: Sendable, Equatable {
    var name: String
    var readOnlyHint: Bool?
    var destructiveHint: Bool?
    var openWorldHint: Bool?
    /// The incubating `io.modelcontextprotocol/trust-annotations` `_meta` marks the output sensitive.
    var sensitiveMeta: Bool
    var line: Int?
}

/// A `tools/list` snapshot: a JSON-RPC response (`result.tools`), a bare result (`tools`), or the wrapper
/// `{"server": "<key or purl>", "result": …}` that binds it to a server.
struct MCPToolSnapshot: Sendable {
    var server: String?
    var tools: [MCPToolDefinition]
    var path: String

    static let maxTools = 10_000

    /// Parses a snapshot, or nil when the JSON is not one.
    /// - Throws: ``StemmaError`` (`limitExceeded`) for more than ``maxTools`` tools.
    static func parse(_ value: JSONValue, text: LineIndex, path: String) throws(StemmaError) -> MCPToolSnapshot? {
        let result = value["result"] ?? value
        guard let list = result["tools"]?.arrayValue else { return nil }
        var tools: [MCPToolDefinition] = []
        for entry in try PostureBounds.whole(list, limit: maxTools, what: "MCP tools", in: path) {
            guard let name = entry["name"]?.stringValue else { continue }
            let annotations = entry["annotations"]
            let trust = entry["_meta"]?["io.modelcontextprotocol/trust-annotations"]
            tools.append(
                MCPToolDefinition(
                    name: name, readOnlyHint: annotations?["readOnlyHint"]?.boolValue,
                    destructiveHint: annotations?["destructiveHint"]?.boolValue,
                    openWorldHint: annotations?["openWorldHint"]?.boolValue,
                    sensitiveMeta: trust?["sensitive"]?.boolValue ?? false,
                    line: text.line(ofKey: "name", value: name)))
        }
        return MCPToolSnapshot(server: value["server"]?.stringValue, tools: tools, path: path)
    }
}

/// Finds 1-based lines of keys and quoted values in a JSON or TOML text (the parsers do not keep positions).
///
/// Readers look up one place per grant, so a hostile file with many entries could make lookups quadratic; every
/// search therefore draws on one budget of bytes examined (a small multiple of the text), and needles are
/// bounded. When the budget is spent, lines are simply unknown: a reader stays linear in its input.
final class LineIndex {
    let bytes: [UInt8]
    private let lineStarts: [Int]
    private var budget: Int

    static let maxNeedle = 512

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") { starts.append(index + 1) }
        lineStarts = starts
        budget = 16 * bytes.count + 65_536
    }

    /// The line holding byte `offset`.
    func line(at offset: Int) -> Int {
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low + 1
    }

    /// The line of the first occurrence of `needle` at or after byte `from`.
    func line(of needle: String, from: Int = 0) -> Int? { offset(of: needle, from: from).map { line(at: $0) } }

    /// The first offset of `needle` at or after `from` (within `within` bytes when given), or nil when absent or
    /// when the search budget is spent.
    func offset(of needle: String, from: Int = 0, within: Int? = nil) -> Int? {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= Self.maxNeedle, pattern.count <= bytes.count, budget > 0 else {
            return nil
        }
        var index = max(0, from)
        let end = within.map { min(bytes.count, index + $0 + pattern.count) } ?? bytes.count
        // Every byte compared is charged, so the total work of all searches is bounded by the budget.
        while index + pattern.count <= end {
            var matched = 0
            while matched < pattern.count, bytes[index + matched] == pattern[matched] { matched += 1 }
            budget -= matched + 1
            if matched == pattern.count { return index }
            if budget <= 0 { return nil }
            index += 1
        }
        return nil
    }

    /// The line of `"key": "value"` (JSON), found as the quoted value shortly after the quoted key.
    func line(ofKey key: String, value: String) -> Int? {
        var from = 0
        while let keyAt = offset(of: "\"\(key)\"", from: from) {
            if let valueAt = offset(of: "\"\(value)\"", from: keyAt, within: 64 + key.count) {
                return line(at: valueAt)
            }
            from = keyAt + 1
        }
        return line(of: "\"\(value)\"")
    }
}
