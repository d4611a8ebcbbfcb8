/// Bounds for parsing untrusted JSON.
public struct JSONLimits: Sendable {
    /// The most bytes a document may have.
    public var maxBytes: Int
    /// The deepest nesting of arrays and objects.
    public var maxDepth: Int
    /// The most values (of any kind) in one document.
    public var maxValues: Int

    /// Creates limits.
    public init(maxBytes: Int, maxDepth: Int, maxValues: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxValues = maxValues
    }

    /// Limits that fit signature bundles and reports: 64 MiB, depth 64, 4 million values.
    public static let standard = JSONLimits(maxBytes: 64 << 20, maxDepth: 64, maxValues: 4_000_000)
}

/// A strict RFC 8259 parser with limits on size, depth and value count.
///
/// It refuses what a lenient parser would quietly accept: duplicate object keys, trailing content, invalid
/// UTF-8, lone surrogates, leading zeros and control characters in strings. Complexity is O(n) in the input.
public struct JSONParser {
    private let bytes: [UInt8]
    private let limits: JSONLimits
    private var index = 0
    private var valueCount = 0

    /// Parses one JSON document.
    /// - Parameters:
    ///   - bytes: the document.
    ///   - limits: size, depth and count bounds.
    ///   - source: a name for messages, usually the file path.
    /// - Throws: ``StemmaError`` with `.malformedInput` or `.limitExceeded`, naming `source` and the byte offset.
    public static func parse(
        _ bytes: [UInt8], limits: JSONLimits = .standard, source: String
    ) throws(StemmaError) -> JSONValue {
        guard bytes.count <= limits.maxBytes else {
            throw StemmaError(.limitExceeded, "'\(source)' is \(bytes.count) bytes; the limit is \(limits.maxBytes)")
        }
        var parser = JSONParser(bytes: bytes, limits: limits)
        do {
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw parser.failure("unexpected content after the JSON value") }
            return value
        } catch {
            throw Self.stemmaError(error, source: source)
        }
    }

    /// Parses a document whose top level is an object without building it: each member's value goes to
    /// `member`, except arrays under the keys in `streamed`, whose elements go to `element` one at a time.
    ///
    /// A large document (a 57 MB CycloneDX BOM) then costs one element's tree at a time instead of a tree several
    /// times its size. The input is checked exactly as strictly as by ``parse(_:limits:source:)``, with the same
    /// limits (the value count covers the whole document); callbacks may already have run when it throws.
    public static func parseMembers(
        _ bytes: [UInt8], limits: JSONLimits = .standard, source: String, streaming streamed: Set<String>,
        member: (String, JSONValue) -> Void, element: (String, JSONValue) -> Void
    ) throws(StemmaError) {
        guard bytes.count <= limits.maxBytes else {
            throw StemmaError(.limitExceeded, "'\(source)' is \(bytes.count) bytes; the limit is \(limits.maxBytes)")
        }
        var parser = JSONParser(bytes: bytes, limits: limits)
        do {
            try parser.streamObject(streamed: streamed, member: member, element: element)
            parser.skipWhitespace()
            guard parser.index == bytes.count else { throw parser.failure("unexpected content after the JSON value") }
        } catch {
            throw Self.stemmaError(error, source: source)
        }
    }

    private static func stemmaError(_ error: any Error, source: String) -> StemmaError {
        guard let error = error as? ParseFailure else {
            return StemmaError(.malformedInput, "'\(source)' is not valid JSON")
        }
        let code: StemmaError.Code = error.isLimit ? .limitExceeded : .malformedInput
        return StemmaError(code, "'\(source)' is not valid JSON: \(error.reason) at byte \(error.offset)")
    }

    /// The top-level object of ``parseMembers(_:limits:source:streaming:member:element:)``, at the depths
    /// ``parseValue(depth:)`` would give it (the object 1, its members' values from 1, array elements from 2).
    private mutating func streamObject(
        streamed: Set<String>, member: (String, JSONValue) -> Void, element: (String, JSONValue) -> Void
    ) throws {
        skipWhitespace()
        valueCount += 1
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw failure("expected an object") }
        index += 1
        var keys = Set<ExactName>()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
            let key = try parseString()
            guard keys.insert(ExactName(key)).inserted else { throw failure("duplicate key \"\(key)\"") }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            skipWhitespace()
            if streamed.contains(key), index < bytes.count, bytes[index] == UInt8(ascii: "[") {
                try streamArray { element(key, $0) }
            } else {
                member(key, try parseValue(depth: 1))
            }
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw failure("expected ',' or '}'")
        }
    }

    /// An array member of the top-level object, handing each element on as soon as it is parsed.
    private mutating func streamArray(_ element: (JSONValue) -> Void) throws {
        valueCount += 1
        guard valueCount <= limits.maxValues else {
            throw failure("more than \(limits.maxValues) values", isLimit: true)
        }
        guard 2 <= limits.maxDepth else { throw failure("nesting deeper than \(limits.maxDepth)", isLimit: true) }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        while true {
            skipWhitespace()
            element(try parseValue(depth: 2))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw failure("expected ',' or ']'")
        }
    }

    private struct ParseFailure: Error {
        let reason: String
        let offset: Int
        let isLimit: Bool
    }

    private init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    private func failure(_ reason: String, isLimit: Bool = false) -> ParseFailure {
        ParseFailure(reason: reason, offset: index, isLimit: isLimit)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        valueCount += 1
        guard valueCount <= limits.maxValues else {
            throw failure("more than \(limits.maxValues) values", isLimit: true)
        }
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw failure("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws {
        let expected = Array(literal.utf8)
        guard index + expected.count <= bytes.count else { throw failure("unexpected end of input") }
        guard bytes[index..<(index + expected.count)].elementsEqual(expected) else { throw failure("invalid literal") }
        index += expected.count
    }

    private mutating func parseObject(depth: Int) throws -> JSONValue {
        guard depth <= limits.maxDepth else { throw failure("nesting deeper than \(limits.maxDepth)", isLimit: true) }
        index += 1
        var members: [(String, JSONValue)] = []
        // Duplicate keys are found by a linear scan while an object is small and a set once it is large:
        // a set per object was a measurable share of reading 5,000 BOMs.
        // Keys are told apart by bytes, as Python's json does (a `Set<String>` would merge NFC and NFD keys).
        var keys: Set<ExactName>?
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw failure("expected a key") }
            let key = try parseString()
            if keys != nil {
                guard keys!.insert(ExactName(key)).inserted else { throw failure("duplicate key \"\(key)\"") }
            } else {
                guard !members.contains(where: { $0.0.isExactly(key) }) else {
                    throw failure("duplicate key \"\(key)\"")
                }
                if members.count >= 16 { keys = Set((members.map(\.0) + [key]).map(ExactName.init)) }
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth)))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw failure("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSONValue {
        guard depth <= limits.maxDepth else { throw failure("nesting deeper than \(limits.maxDepth)", isLimit: true) }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw failure("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw failure("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws -> String {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw failure("leading zero in number") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid fraction") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw failure("invalid exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func parseString() throws -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes, so the string is the bytes between the quotes, validated once.
        var ascii = true
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
            if bytes[index] < 0x20 { throw failure("control character in string") }
            if bytes[index] >= 0x80 { ascii = false }
            index += 1
        }
        guard index < bytes.count else { throw failure("unterminated string") }
        if bytes[index] == UInt8(ascii: "\"") {  // no escapes: validate the bytes in place
            defer { index += 1 }
            // ASCII is valid UTF-8: decoding it skips the generic validator, which cost a sixth of reading a fleet.
            if ascii { return String(decoding: bytes[start..<index], as: UTF8.self) }
            guard let text = String(validating: bytes[start..<index], as: UTF8.self) else {
                throw failure("invalid UTF-8 in string")
            }
            return text
        }
        var utf8 = Array(bytes[start..<index])
        while bytes[index] == UInt8(ascii: "\\") {
            index += 1
            utf8.append(contentsOf: Array(String(try parseEscape()).utf8))
            while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") {
                if bytes[index] < 0x20 { throw failure("control character in string") }
                utf8.append(bytes[index])
                index += 1
            }
            guard index < bytes.count else { throw failure("unterminated string") }
        }
        index += 1  // closing quote
        guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("invalid UTF-8 in string") }
        return text
    }

    private mutating func parseEscape() throws -> Unicode.Scalar {
        guard index < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[index]
        index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let first = try parseHex4()
            if (0xD800...0xDBFF).contains(first) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                else { throw failure("lone surrogate in string") }
                index += 2
                let second = try parseHex4()
                guard (0xDC00...0xDFFF).contains(second) else { throw failure("lone surrogate in string") }
                let combined = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                guard let scalar = Unicode.Scalar(combined) else { throw failure("invalid escape") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(first) else { throw failure("lone surrogate in string") }
            return scalar
        default:
            throw failure("invalid escape")
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("invalid \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }
}
