extension TOMLParser {
    /// `"…"` or `"""…"""`, escapes resolved.
    mutating func parseBasicString() throws(Failure) -> String {
        try parseString(quote: UInt8(ascii: "\""), escapes: true)
    }

    /// `'…'` or `'''…'''`, taken literally.
    mutating func parseLiteralString() throws(Failure) -> String {
        try parseString(quote: UInt8(ascii: "'"), escapes: false)
    }

    private mutating func parseString(quote: UInt8, escapes: Bool) throws(Failure) -> String {
        let startLine = line
        let multiline = peek(1) == quote && peek(2) == quote
        index += multiline ? 3 : 1
        if multiline, let byte = peek(), byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
            try consumeNewline()  // a newline right after the opening quotes is not part of the string
        }
        var output: [UInt8] = []
        while true {
            guard let byte = peek() else { throw failure("the string starting on line \(startLine) is not closed") }
            switch byte {
            case quote:
                guard multiline else {
                    index += 1
                    return try decoded(output)
                }
                var run = 0
                while peek(run) == quote { run += 1 }
                index += run
                if run >= 3 {
                    // Up to two quotes may sit just before the closing three.
                    guard run <= 5 else { throw failure("too many quotes closing a multi-line string") }
                    output += Array(repeating: quote, count: run - 3)
                    return try decoded(output)
                }
                output += Array(repeating: quote, count: run)
            case UInt8(ascii: "\\") where escapes:
                try parseEscape(into: &output, multiline: multiline)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                guard multiline else { throw failure("the string starting on line \(startLine) is not closed") }
                try consumeNewline()
                output.append(UInt8(ascii: "\n"))
            default:
                guard byte >= 0x20 || byte == 0x09, byte != 0x7F else {
                    throw failure("control character \(Self.describe(byte)) in a string")
                }
                output.append(byte)
                index += 1
            }
        }
    }

    private func decoded(_ output: [UInt8]) throws(Failure) -> String {
        guard let text = String(validating: output, as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
        return text
    }

    private mutating func parseEscape(into output: inout [UInt8], multiline: Bool) throws(Failure) {
        index += 1
        guard let byte = peek() else { throw failure("a string ends inside an escape") }
        index += 1
        switch byte {
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "\""): output.append(0x22)
        case UInt8(ascii: "\\"): output.append(0x5C)
        case UInt8(ascii: "u"): output += try parseUnicodeEscape(digits: 4)
        case UInt8(ascii: "U"): output += try parseUnicodeEscape(digits: 8)
        case 0x20, 0x09, UInt8(ascii: "\n"), UInt8(ascii: "\r"):
            guard multiline else { throw failure("invalid escape: a backslash before whitespace in a one-line string") }
            // A backslash ending a line trims it and all whitespace up to the next visible character.
            index -= 1
            skipSpaces()
            guard let next = peek(), next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") else {
                throw failure("a backslash followed by spaces must end the line")
            }
            while let next = peek(), next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D {
                if next == 0x0A || next == 0x0D { try consumeNewline() } else { index += 1 }
            }
        default: throw failure("invalid escape \\\(Character(Unicode.Scalar(byte)))")
        }
    }

    private mutating func parseUnicodeEscape(digits: Int) throws(Failure) -> [UInt8] {
        guard bytes.count - index >= digits else { throw failure("a \\u escape needs \(digits) hex digits") }
        let hex = String(decoding: bytes[index..<index + digits], as: UTF8.self)
        guard hex.utf8.allSatisfy({ Self.isDigit($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0 | 0x20) }),
            let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code)
        else { throw failure("\\u\(hex) is not a Unicode scalar value") }
        index += digits
        return Array(String(Character(scalar)).utf8)
    }
}
