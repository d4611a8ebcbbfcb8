public import StemmaCore

/// Bounds for parsing untrusted TOML: the same size, depth and value-count bounds as JSON (depth counts every
/// table, array, inline table and part of a dotted key; `.standard` is 64 MiB, depth 64, 4 million values).
public typealias TOMLLimits = JSONLimits

/// A strict TOML 1.0 parser with limits on size, depth and value count.
///
/// It reads everything lockfiles use (tables, arrays of tables, dotted and quoted keys, all string forms,
/// integers in four bases, floats, Booleans, date-times kept as text, arrays and inline tables) and refuses what
/// TOML forbids: a key or table defined twice, a dotted key extending a table defined elsewhere, invalid escapes,
/// control characters, invalid UTF-8, leading zeros. Complexity is O(n) in the input.
public struct TOMLParser {
    let bytes: [UInt8]
    let limits: TOMLLimits
    var index = 0
    var line = 1
    var valueCount = 0
    let root = TOMLTableNode(origin: .header)
    var current: TOMLTableNode
    var currentDepth = 0
    /// The section (root = 0, then one per header, one per inline table) that dotted keys are extending.
    var section = 0
    var nextSection = 1

    /// Parses one TOML document into its root table.
    /// - Parameters:
    ///   - bytes: the document.
    ///   - limits: size, depth and count bounds.
    ///   - source: a name for messages, usually the file path.
    /// - Throws: ``StemmaError`` with `.malformedInput` or `.limitExceeded`, naming `source` and the line.
    public static func parse(
        _ bytes: [UInt8], limits: TOMLLimits = .standard, source: String
    ) throws(StemmaError) -> TOMLTable {
        guard bytes.count <= limits.maxBytes else {
            throw StemmaError(.limitExceeded, "'\(source)' is \(bytes.count) bytes; the limit is \(limits.maxBytes)")
        }
        var parser = TOMLParser(bytes: bytes, limits: limits)
        do {
            try parser.parseDocument()
        } catch {
            let code: StemmaError.Code = error.isLimit ? .limitExceeded : .malformedInput
            throw StemmaError(code, "'\(source)' is not valid TOML: \(error.reason) (line \(error.line))")
        }
        return parser.root.tableValue()
    }

    /// Why and where parsing stopped.
    struct Failure: Error {
        let reason: String
        let line: Int
        let isLimit: Bool
    }

    private init(bytes: [UInt8], limits: TOMLLimits) {
        self.bytes = bytes
        self.limits = limits
        self.current = root
    }

    func failure(_ reason: String, isLimit: Bool = false) -> Failure {
        Failure(reason: reason, line: line, isLimit: isLimit)
    }

    var atEnd: Bool { index >= bytes.count }

    /// The byte `offset` places ahead, or nil past the end.
    func peek(_ offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func parseDocument() throws(Failure) {
        while true {
            skipSpaces()
            guard let byte = peek() else { return }
            switch byte {
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try consumeNewline()
            case UInt8(ascii: "#"):
                try skipComment()
            case UInt8(ascii: "["):
                try parseHeader()
                try expectLineEnd()
            default:
                try parseKeyValue(into: current, section: section, depth: currentDepth)
                try expectLineEnd()
            }
        }
    }

    /// Counts one more value (or table) against the limit.
    mutating func countValue() throws(Failure) {
        valueCount += 1
        guard valueCount <= limits.maxValues else {
            throw failure("more than \(limits.maxValues) values", isLimit: true)
        }
    }

    func checkDepth(_ depth: Int) throws(Failure) {
        guard depth <= limits.maxDepth else { throw failure("nesting deeper than \(limits.maxDepth)", isLimit: true) }
    }

    // MARK: Whitespace, newlines, comments

    mutating func skipSpaces() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
    }

    /// Skips spaces, newlines and comments, as arrays allow between their elements.
    mutating func skipSpacesNewlinesAndComments() throws(Failure) {
        while let byte = peek() {
            switch byte {
            case 0x20, 0x09: index += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): try consumeNewline()
            case UInt8(ascii: "#"): try skipComment()
            default: return
            }
        }
    }

    /// Consumes LF or CRLF; a carriage return alone is not a newline in TOML.
    mutating func consumeNewline() throws(Failure) {
        if peek() == UInt8(ascii: "\r") {
            guard peek(1) == UInt8(ascii: "\n") else { throw failure("a carriage return not followed by a line feed") }
            index += 1
        }
        index += 1
        line += 1
    }

    /// Skips a comment up to (not including) its newline, refusing control characters and invalid UTF-8.
    mutating func skipComment() throws(Failure) {
        let start = index
        index += 1
        while let byte = peek() {
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && peek(1) == UInt8(ascii: "\n")) { break }
            guard byte >= 0x20 || byte == 0x09, byte != 0x7F else {
                throw failure("control character \(Self.describe(byte)) in a comment")
            }
            index += 1
        }
        guard String(validating: bytes[start..<index], as: UTF8.self) != nil else {
            throw failure("invalid UTF-8 in a comment")
        }
    }

    /// After a key-value pair or header: spaces, an optional comment, then a newline or the end.
    mutating func expectLineEnd() throws(Failure) {
        skipSpaces()
        if peek() == UInt8(ascii: "#") { try skipComment() }
        guard let byte = peek() else { return }
        guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
            throw failure("unexpected \(Self.describe(byte)) after a value or header; expected the end of the line")
        }
        try consumeNewline()
    }

    /// A byte for messages: the character when printable ASCII, otherwise its code.
    static func describe(_ byte: UInt8) -> String {
        if byte > 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = Hex.encode([byte]).uppercased()
        return byte < 0x80 ? "U+00\(hex)" : "byte 0x\(hex)"
    }
}
