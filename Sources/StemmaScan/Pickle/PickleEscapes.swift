/// The two text escapes of protocol 0: `STRING`'s backslash escapes (`codecs.escape_decode`) and `UNICODE`'s
/// raw-unicode-escape. Both return nil where CPython raises.
enum PickleEscapes {
    /// `PyBytes_DecodeEscape`: `\\ \' \" \a \b \f \n \r \t \v`, `\<newline>`, octal `\ooo`, `\xhh`; any other
    /// escape keeps its backslash.
    static func decodeEscapes(_ bytes: ArraySlice<UInt8>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                output.append(byte)
                continue
            }
            guard index < bytes.endIndex else { return nil }  // "Trailing \ in string"
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\n"): break
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): output.append(escape)
            case UInt8(ascii: "a"): output.append(7)
            case UInt8(ascii: "b"): output.append(8)
            case UInt8(ascii: "f"): output.append(12)
            case UInt8(ascii: "n"): output.append(10)
            case UInt8(ascii: "r"): output.append(13)
            case UInt8(ascii: "t"): output.append(9)
            case UInt8(ascii: "v"): output.append(11)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = Int(escape - UInt8(ascii: "0"))
                var digits = 1
                while digits < 3, index < bytes.endIndex, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[index])
                {
                    value = value * 8 + Int(bytes[index] - UInt8(ascii: "0"))
                    index += 1
                    digits += 1
                }
                output.append(UInt8(truncatingIfNeeded: value))
            case UInt8(ascii: "x"):
                guard index + 1 < bytes.endIndex, let high = hexValue(bytes[index]),
                    let low = hexValue(bytes[index + 1])
                else { return nil }
                output.append(high << 4 | low)
                index += 2
            default:
                output.append(UInt8(ascii: "\\"))
                output.append(escape)
            }
        }
        return output
    }

    /// raw-unicode-escape: `\uXXXX` and `\UXXXXXXXX` after an odd run of backslashes are code points; every
    /// other byte is its own (latin-1) code point.
    static func decodeRawUnicodeEscape(_ bytes: [UInt8]) -> [UInt32]? {
        var output: [UInt32] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\") else {
                output.append(UInt32(bytes[index]))
                index += 1
                continue
            }
            var run = 0
            while index < bytes.count, bytes[index] == UInt8(ascii: "\\") {
                output.append(UInt32(UInt8(ascii: "\\")))
                run += 1
                index += 1
            }
            guard run % 2 == 1, index < bytes.count,
                bytes[index] == UInt8(ascii: "u") || bytes[index] == UInt8(ascii: "U")
            else { continue }
            output.removeLast()
            let width = bytes[index] == UInt8(ascii: "u") ? 4 : 8
            index += 1
            guard index + width <= bytes.count else { return nil }  // truncated \uXXXX escape
            var value: UInt32 = 0
            for offset in 0..<width {
                guard let digit = hexValue(bytes[index + offset]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            guard value <= 0x10FFFF else { return nil }
            output.append(value)
            index += width
        }
        return output
    }

    /// UTF-8 text as latin-1 bytes (each code point one byte), or nil when a code point is above U+00FF or the
    /// text is not UTF-8. This is how a `str` constant holds pickle bytes (`_codecs.encode(s, "latin1")`).
    static func latin1(fromUTF8 bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                guard scalar.value <= 0xFF else { return nil }
                output.append(UInt8(scalar.value))
            case .emptyInput: return output
            case .error: return nil
            }
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
