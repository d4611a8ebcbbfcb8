extension TOMLParser {
    /// Any value, at `depth` (the nesting of the key that holds it).
    mutating func parseValue(depth: Int) throws(Failure) -> TOMLValue {
        try countValue()
        guard let byte = peek() else { throw failure("expected a value, found the end of the document") }
        switch byte {
        case UInt8(ascii: "\""): return .string(try parseBasicString())
        case UInt8(ascii: "'"): return .string(try parseLiteralString())
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "{"): return try parseInlineTable(depth: depth + 1)
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return try parseBoolean()
        default: return try parseNumberOrDate()
        }
    }

    /// `[ v, v, ]` over any number of lines, with comments and a trailing comma allowed.
    private mutating func parseArray(depth: Int) throws(Failure) -> TOMLValue {
        try checkDepth(depth)
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipSpacesNewlinesAndComments()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            elements.append(try parseValue(depth: depth))
            try skipSpacesNewlinesAndComments()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            case let byte?: throw failure("expected ',' or ']' in an array, found \(Self.describe(byte))")
            case nil: throw failure("an array is not closed")
            }
        }
    }

    /// `{ k = v, k.k = v }` on one line, no trailing comma (TOML 1.0). The result can no longer be extended.
    private mutating func parseInlineTable(depth: Int) throws(Failure) -> TOMLValue {
        try checkDepth(depth)
        index += 1
        let table = TOMLTableNode(origin: .dotted(nextSection))
        let inlineSection = nextSection
        nextSection += 1
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .table(TOMLTable())
        }
        while true {
            skipSpaces()
            try parseKeyValue(into: table, section: inlineSection, depth: depth)
            skipSpaces()
            switch peek() {
            case UInt8(ascii: ","): index += 1
            case UInt8(ascii: "}"):
                index += 1
                return .table(table.tableValue())
            case let byte?:
                throw failure("expected ',' or '}' in an inline table, found \(Self.describe(byte))")
            case nil: throw failure("an inline table is not closed")
            }
        }
    }

    private mutating func parseBoolean() throws(Failure) -> TOMLValue {
        for (word, value) in [("true", true), ("false", false)] {
            let utf8 = Array(word.utf8)
            if bytes.count - index >= utf8.count, Array(bytes[index..<index + utf8.count]) == utf8 {
                index += utf8.count
                if let next = peek(), Self.isTokenByte(next) { break }
                return .boolean(value)
            }
        }
        throw failure("expected a value; bare words other than true and false are not values")
    }

    /// A number, date or time: scanned as one token (a date's space before its time included), then checked.
    private mutating func parseNumberOrDate() throws(Failure) -> TOMLValue {
        let start = index
        while let byte = peek(), Self.isTokenByte(byte) { index += 1 }
        if index - start == 10, bytes[start + 4] == UInt8(ascii: "-"), peek() == 0x20,
            let hour = peek(1), let hour2 = peek(2), peek(3) == UInt8(ascii: ":"),
            Self.isDigit(hour), Self.isDigit(hour2)
        {
            index += 1
            while let byte = peek(), Self.isTokenByte(byte) { index += 1 }
        }
        let token = Array(bytes[start..<index])
        guard !token.isEmpty else {
            throw failure(peek().map { "expected a value, found \(Self.describe($0))" } ?? "expected a value")
        }
        if let value = TOMLScalarSyntax.value(of: token) { return value }
        let text = String(decoding: token, as: UTF8.self)
        if TOMLScalarSyntax.looksLikeDateTime(token) { throw failure("'\(text)' is not a valid date or time") }
        if TOMLScalarSyntax.isIntegerOutOfRange(token) { throw failure("the integer \(text) does not fit in 64 bits") }
        throw failure("'\(text)' is not a valid value")
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
