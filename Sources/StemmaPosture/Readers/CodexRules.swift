import StemmaCore

/// Codex execution-policy rules (`.codex/rules/*.rules`, Starlark): `prefix_rule(pattern = [...],
/// decision = "allow" | "prompt" | "forbidden", ...)`. Only the calls are read, never evaluated; an `allow` rule
/// pre-approves a command prefix (a narrow shell grant), the others only add restrictions.
enum CodexRules {
    struct Rule: Equatable {
        var pattern: String
        var decision: String
        var line: Int
    }

    static let maxRules = 10_000

    /// The `prefix_rule(...)` calls of a rules file, in order; calls without a literal pattern or decision are
    /// skipped (they cannot be read without running Starlark).
    /// - Throws: ``StemmaError`` (`limitExceeded`) naming `path` for more than ``maxRules`` rules.
    static func read(_ bytes: [UInt8], text: LineIndex, path: String) throws(StemmaError) -> [Rule] {
        var rules: [Rule] = []
        var from = 0
        while let start = text.offset(of: "prefix_rule(", from: from) {
            guard rules.count < maxRules else {
                throw StemmaError(
                    .limitExceeded,
                    "'\(path)' holds more prefix_rule calls than the limit of \(maxRules)",
                    underlying: PostureBounds.PartialList())
            }
            let open = start + "prefix_rule".utf8.count
            guard let close = matchingParenthesis(bytes, open: open) else { break }
            from = close
            let body = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
            guard let decision = stringArgument("decision", in: body), let pattern = listArgument("pattern", in: body)
            else { continue }
            rules.append(Rule(pattern: pattern, decision: decision, line: text.line(at: start)))
        }
        return rules
    }

    /// The index of the `)` closing the `(` at `open`, skipping strings; nil when unbalanced.
    private static func matchingParenthesis(_ bytes: [UInt8], open: Int) -> Int? {
        var depth = 0
        var index = open
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if let active = quote {
                if byte == UInt8(ascii: "\\") {
                    index += 2
                    continue
                }
                if byte == active { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return index }
            }
            index += 1
        }
        return nil
    }

    /// `name = "value"` inside a call's arguments.
    private static func stringArgument(_ name: String, in body: String) -> String? {
        guard let value = argument(name, in: body), let first = value.first, first == "\"" || first == "'" else {
            return nil
        }
        let rest = value.dropFirst()
        guard let end = rest.firstIndex(of: first) else { return nil }
        return String(rest[..<end])
    }

    /// `name = [ ... ]` inside a call's arguments, as the words of the prefix (alternatives joined with `|`).
    private static func listArgument(_ name: String, in body: String) -> String? {
        guard let value = argument(name, in: body), value.first == "[" else { return nil }
        var depth = 0
        var words: [String] = []
        var current = ""
        var quote: Character?
        var alternatives: [String] = []
        for character in value {
            if let active = quote {
                if character == active {
                    quote = nil
                    if depth >= 2 { alternatives.append(current) } else { words.append(current) }
                    current = ""
                } else {
                    current.append(character)
                }
                continue
            }
            switch character {
            case "\"", "'": quote = character
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 1, !alternatives.isEmpty {
                    words.append(alternatives.joined(separator: "|"))
                    alternatives = []
                }
            default: break
            }
            if depth == 0 { break }
        }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// The text after `name =` (a whole word) in a call's arguments.
    private static func argument(_ name: String, in body: String) -> Substring? {
        let characters = Array(body)
        let wanted = Array(name)
        var index = 0
        while index + wanted.count <= characters.count {
            let boundary = index == 0 || !(characters[index - 1].isLetter || characters[index - 1] == "_")
            if boundary, Array(characters[index..<(index + wanted.count)]) == wanted {
                var next = index + wanted.count
                while next < characters.count, characters[next].isWhitespace { next += 1 }
                if next < characters.count, characters[next] == "=" {
                    next += 1
                    while next < characters.count, characters[next].isWhitespace { next += 1 }
                    return Substring(String(characters[next...]))
                }
            }
            index += 1
        }
        return nil
    }
}
