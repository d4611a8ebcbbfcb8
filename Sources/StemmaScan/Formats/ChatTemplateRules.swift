/// Finds the constructs a Jinja template needs to escape its sandbox (CVE-2024-34359: llama-cpp-python rendered
/// GGUF chat templates without one), and nothing that ordinary chat templates use.
///
/// Matching is on bytes with identifier boundaries where a bare substring would hit ordinary words (`os.` in
/// `photos.`, `eval(` in `retrieval(`), and tolerates the whitespace Jinja allows (`x | attr ( 'y' )`).
enum ChatTemplateRules {
    /// One sandbox-escape construct found in a template.
    struct Match: Equatable {
        /// The construct as the rule names it (`__globals__`, `|attr(`).
        var token: String
        /// Byte offset in the template.
        var offset: Int
        /// A short piece of the template around it, on one line.
        var excerpt: String
    }

    /// Substrings that never occur in an honest template.
    private static let literals = [
        "__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__init__", "__import__",
        "namespace.__init__", "self._TemplateReference__context", "popen", "subprocess",
    ]
    /// Whole identifiers: Jinja globals that expose `__init__.__globals__` and so the `os` module.
    private static let identifiers = ["cycler", "joiner", "lipsum"]
    /// Identifiers followed (after optional spaces) by this byte: a call or an attribute access.
    private static let followed: [(name: String, next: UInt8, token: String)] = [
        ("os", UInt8(ascii: "."), "os."), ("eval", UInt8(ascii: "("), "eval("), ("exec", UInt8(ascii: "("), "exec("),
    ]

    /// Every construct found, at most `limit`, each token reported once (at its first occurrence).
    static func matches(in template: [UInt8], limit: Int = 16) -> [Match] {
        var found: [Match] = []
        func add(_ token: String, _ offset: Int) {
            guard found.count < limit, !found.contains(where: { $0.token == token }) else { return }
            found.append(Match(token: token, offset: offset, excerpt: excerpt(template, around: offset)))
        }
        for literal in literals {
            if let offset = firstIndex(of: Array(literal.utf8), in: template) { add(literal, offset) }
        }
        var index = 0
        while index < template.count {
            let byte = template[index]
            if byte == UInt8(ascii: "|"), followsAttrCall(template, from: index + 1) {
                add("|attr(", index)
            } else if isIdentifierStart(byte), index == 0 || !isIdentifierByte(template[index - 1]) {
                var end = index
                while end < template.count, isIdentifierByte(template[end]) { end += 1 }
                let word = String(decoding: template[index..<end], as: UTF8.self)
                if identifiers.contains(word) { add(word, index) }
                for rule in followed where rule.name == word && nextNonSpace(template, from: end) == rule.next {
                    add(rule.token, index)
                }
                if word.count > 4, word.hasPrefix("__"), word.hasSuffix("__") { add(word, index) }
                index = end
                continue
            }
            index += 1
        }
        return found.sorted { $0.offset < $1.offset }
    }

    /// Constructs that appear only once the template's string constants are decoded and folded
    /// (``JinjaConstants``), each reported once, at most `limit`; the offset is 0 (the construct is nowhere in
    /// the raw bytes) and the excerpt is the folded constant.
    static func obfuscatedMatches(in template: [UInt8], limit: Int = 16) -> [Match] {
        let plain = Set(matches(in: template, limit: .max).map(\.token))
        var found: [Match] = []
        for constant in JinjaConstants.constants(in: template) where found.count < limit {
            // Only names a string can smuggle into an attribute lookup count here: a constant is data, and prose
            // that decodes to "\nos." or "joiner" is not an escape.
            for match in matches(in: Array(constant.utf8), limit: limit)
            where (literals.contains(match.token) || match.token.hasPrefix("__"))
                && !plain.contains(match.token) && !found.contains(where: { $0.token == match.token })
            {
                found.append(Match(token: match.token, offset: 0, excerpt: String(constant.prefix(100))))
            }
        }
        return Array(found.prefix(limit))
    }

    private static func followsAttrCall(_ bytes: [UInt8], from start: Int) -> Bool {
        var index = start
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        guard index + 4 <= bytes.count, bytes[index..<(index + 4)].elementsEqual("attr".utf8) else { return false }
        return nextNonSpace(bytes, from: index + 4) == UInt8(ascii: "(")
    }

    private static func nextNonSpace(_ bytes: [UInt8], from start: Int) -> UInt8? {
        var index = start
        while index < bytes.count, isSpace(bytes[index]) { index += 1 }
        return index < bytes.count ? bytes[index] : nil
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isIdentifierStart(byte) || (byte >= 0x30 && byte <= 0x39)
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = max(0, start)
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func excerpt(_ bytes: [UInt8], around offset: Int) -> String {
        let start = max(0, offset - 40)
        let end = min(bytes.count, offset + 60)
        let text = String(decoding: bytes[start..<end], as: UTF8.self)
        return String(text.map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }
}
