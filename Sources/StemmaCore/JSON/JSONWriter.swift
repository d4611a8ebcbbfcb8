/// Serialises a ``JSONValue`` to bytes, compact or indented, with object members in document order or sorted.
///
/// Output is deterministic: the same value and options always give the same bytes. Non-ASCII text is written as
/// UTF-8; control characters, `"` and `\` are escaped; `/` is not.
public struct JSONWriter: Sendable {
    /// Indentation per level; nil writes compact JSON with no spaces.
    public var indent: Int?
    /// Whether object members are written sorted by key (code-point order).
    public var sortKeys: Bool

    /// Creates a writer.
    public init(indent: Int? = nil, sortKeys: Bool = false) {
        self.indent = indent
        self.sortKeys = sortKeys
    }

    /// The serialised bytes of `value`.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(value, level: 0, into: &output)
        return output
    }

    /// The serialised text of `value`.
    public func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    private func newline(_ level: Int, into output: inout [UInt8]) {
        guard let indent else { return }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
    }

    private func write(_ value: JSONValue, level: Int, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: Array("null".utf8))
        case .bool(let flag): output.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .number(let text): output.append(contentsOf: Array(text.utf8))
        case .string(let text): Self.writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1, into: &output)
                write(element, level: level + 1, into: &output)
            }
            if !elements.isEmpty { newline(level, into: &output) }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            let ordered =
                sortKeys
                ? members.sorted { $0.0.unicodeScalars.lexicographicallyPrecedes($1.0.unicodeScalars) } : members
            output.append(UInt8(ascii: "{"))
            for (position, (key, member)) in ordered.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                newline(level + 1, into: &output)
                Self.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                if indent != nil { output.append(UInt8(ascii: " ")) }
                write(member, level: level + 1, into: &output)
            }
            if !members.isEmpty { newline(level, into: &output) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// JSON's escapes for `"`, `\` and C0 controls; DEL, C1 controls and the bidirectional and separator
    /// characters ``TerminalText`` escapes are written as `\u` escapes too, so JSON printed on a terminal cannot
    /// move the cursor or reorder a line, while every parser still reads the exact string. Works on the UTF-8
    /// bytes (reports can be tens of megabytes): the escaped characters above U+007F are recognised by their
    /// two- or three-byte encodings.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
                case UInt8(ascii: "\\"): output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
                case 0x0A: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
                case 0x0D: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
                case 0x09: output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
                case 0..<0x20, 0x7F: appendEscape(UInt32(byte), into: &output)
                case 0xC2, 0xD8, 0xE2:
                    // A Swift string is valid UTF-8, so the continuation bytes are there and well formed.
                    let length = byte == 0xE2 ? 3 : 2
                    var value = UInt32(byte & (length == 3 ? 0x0F : 0x1F))
                    for next in bytes[(index + 1)..<(index + length)] { value = value << 6 | UInt32(next & 0x3F) }
                    if let scalar = Unicode.Scalar(value), TerminalText.needsEscape(scalar) {
                        appendEscape(value, into: &output)
                    } else {
                        output.append(contentsOf: bytes[index..<(index + length)])
                    }
                    index += length
                    continue
                default: output.append(byte)
                }
                index += 1
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscape(_ value: UInt32, into output: inout [UInt8]) {
        output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int((value >> UInt32(shift)) & 0xF)])
        }
    }
}
