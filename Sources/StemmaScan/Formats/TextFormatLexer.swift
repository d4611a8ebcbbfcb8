/// Tokens of protobuf text format, as TensorFlow's `TextFormat` parser reads them.
enum TextFormatToken: Equatable {
    /// A field name, enum value or bare word (`node`, `DT_FLOAT`, `true`).
    case identifier(String)
    /// One string value: adjacent quoted strings concatenated, escapes decoded.
    case string(String)
    case number
    case colon
    /// `{` or `<`.
    case open
    /// `}` or `>`.
    case close
    case listOpen
    case listClose
    /// `,` or `;`, which may follow any field.
    case separator
}

/// Splits protobuf text format into tokens: `#` comments, `'…'` and `"…"` strings with C escapes (`\n`, `\x52`,
/// octal `\122`, `\u0052`), numbers (with signs, exponents and `inf`/`nan` as words) and the punctuation.
struct TextFormatLexer {
    private let text: [UInt8]
    private(set) var offset = 0
    /// The longest string decoded (a SavedModel's constants can be large; op names are short).
    static let maxString = 16 << 20

    init(_ text: [UInt8]) { self.text = text }

    mutating func next() throws(FormatFailure) -> TextFormatToken? {
        skipSpaceAndComments()
        guard offset < text.count else { return nil }
        let byte = text[offset]
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "<"): offset += 1; return .open
        case UInt8(ascii: "}"), UInt8(ascii: ">"): offset += 1; return .close
        case UInt8(ascii: "["): offset += 1; return .listOpen
        case UInt8(ascii: "]"): offset += 1; return .listClose
        case UInt8(ascii: ":"): offset += 1; return .colon
        case UInt8(ascii: ","), UInt8(ascii: ";"): offset += 1; return .separator
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            var value: [UInt8] = []
            repeat {
                try readString(into: &value)
                skipSpaceAndComments()
            } while offset < text.count && (text[offset] == UInt8(ascii: "\"") || text[offset] == UInt8(ascii: "'"))
            return .string(String(decoding: value, as: UTF8.self))
        default:
            if Self.isWordByte(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+") {
                let start = offset
                offset += 1
                while offset < text.count,
                    Self.isWordByte(text[offset]) || text[offset] == UInt8(ascii: ".")
                        || text[offset] == UInt8(ascii: "/")
                        || ((text[offset] == UInt8(ascii: "-") || text[offset] == UInt8(ascii: "+"))
                            && (text[offset - 1] | 0x20) == UInt8(ascii: "e"))
                {
                    offset += 1
                }
                let word = String(decoding: text[start..<offset], as: UTF8.self)
                if let first = word.utf8.first,
                    first >= 0x30 && first <= 0x39 || first == 0x2D || first == 0x2B
                        || first == 0x2E
                {
                    return .number
                }
                return .identifier(word)
            }
            if byte == UInt8(ascii: "."), offset + 1 < text.count, text[offset + 1] >= 0x30, text[offset + 1] <= 0x39 {
                offset += 1
                while offset < text.count, Self.isWordByte(text[offset]) || text[offset] == UInt8(ascii: ".") {
                    offset += 1
                }
                return .number
            }
            throw .malformed("unexpected byte 0x\(String(byte, radix: 16)) in protobuf text", offset: offset)
        }
    }

    private mutating func skipSpaceAndComments() {
        while offset < text.count {
            let byte = text[offset]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C {
                offset += 1
            } else if byte == UInt8(ascii: "#") {
                while offset < text.count, text[offset] != 0x0A { offset += 1 }
            } else {
                return
            }
        }
    }

    private mutating func readString(into value: inout [UInt8]) throws(FormatFailure) {
        let quote = text[offset]
        let start = offset
        offset += 1
        while true {
            guard offset < text.count else { throw .malformed("a string is not closed", offset: start) }
            guard value.count <= Self.maxString else {
                throw .incomplete("a string is longer than \(Self.maxString) bytes")
            }
            let byte = text[offset]
            offset += 1
            if byte == quote { return }
            if byte == 0x0A { throw .malformed("a string runs over a line end", offset: start) }
            guard byte == UInt8(ascii: "\\") else {
                value.append(byte)
                continue
            }
            guard offset < text.count else { throw .malformed("a string ends in an escape", offset: start) }
            let escape = text[offset]
            offset += 1
            switch escape {
            case UInt8(ascii: "n"): value.append(0x0A)
            case UInt8(ascii: "t"): value.append(0x09)
            case UInt8(ascii: "r"): value.append(0x0D)
            case UInt8(ascii: "a"): value.append(0x07)
            case UInt8(ascii: "b"): value.append(0x08)
            case UInt8(ascii: "f"): value.append(0x0C)
            case UInt8(ascii: "v"): value.append(0x0B)
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                value.append(UInt8(truncatingIfNeeded: readDigits(radix: 16, max: 2)))
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                offset -= 1
                value.append(UInt8(truncatingIfNeeded: readDigits(radix: 8, max: 3)))
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let scalar = readDigits(radix: 16, max: escape == UInt8(ascii: "u") ? 4 : 8)
                value.append(contentsOf: Array(String(Unicode.Scalar(UInt32(scalar)) ?? "\u{FFFD}").utf8))
            default: value.append(escape)
            }
        }
    }

    private mutating func readDigits(radix: Int, max: Int) -> Int {
        var result = 0
        var count = 0
        while count < max, offset < text.count, let digit = Self.digit(text[offset], radix: radix) {
            result = result * radix + digit
            offset += 1
            count += 1
        }
        return result
    }

    static func digit(_ byte: UInt8, radix: Int) -> Int? {
        let value: Int
        switch byte {
        case 0x30...0x39: value = Int(byte - 0x30)
        case 0x61...0x66: value = Int(byte - 0x61 + 10)
        case 0x41...0x46: value = Int(byte - 0x41 + 10)
        default: return nil
        }
        return value < radix ? value : nil
    }

    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x5F
    }
}
