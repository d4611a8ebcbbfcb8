/// RFC 8785 JSON Canonicalization Scheme: members sorted by their UTF-16 code units, no whitespace, the minimal
/// string escapes of ECMAScript's `JSON.stringify`, and numbers as ECMAScript prints an IEEE 754 double
/// (``JCSNumber``).
///
/// The input is a parsed ``JSONValue``, so duplicate keys and lone surrogates were already refused by the parser.
public enum JCS {
    /// The deepest nesting canonicalized; the parser's own limit is the same, so this only guards hand-built values.
    public static let maxDepth = 64

    /// The canonical UTF-8 bytes of `value`.
    /// - Throws: ``StemmaError`` `.malformedInput` for a number that is not a finite double (RFC 8785 §3.2.2.3)
    ///   or nesting deeper than ``maxDepth``.
    public static func canonical(_ value: JSONValue) throws(StemmaError) -> [UInt8] {
        var out: [UInt8] = []
        try write(value, into: &out, depth: 0)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8], depth: Int) throws(StemmaError) {
        guard depth < maxDepth else {
            throw StemmaError(.malformedInput, "JSON nested deeper than \(maxDepth) cannot be canonicalized")
        }
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let text):
            guard let formatted = JCSNumber.format(text) else {
                throw StemmaError(.malformedInput, "the number \(text.prefix(40)) is not a finite IEEE 754 double")
            }
            out += Array(formatted.utf8)
        case .string(let text): string(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try write(item, into: &out, depth: depth + 1)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.map { (Array($0.0.utf16), $0.0, $0.1) }.sorted { $0.0.lexicographicallyPrecedes($1.0) }
            for (index, (_, key, item)) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try write(item, into: &out, depth: depth + 1)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\u{08}": out += Array("\\b".utf8)
            case "\u{0C}": out += Array("\\f".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            default:
                if scalar.value < 0x20 {
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8) + [hex[Int(scalar.value >> 4)], hex[Int(scalar.value & 0xF)]]
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
