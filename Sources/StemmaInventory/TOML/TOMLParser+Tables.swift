extension TOMLParser {
    /// `[a.b]` or `[[a.b]]`: makes the named table current, creating or appending as TOML allows.
    mutating func parseHeader() throws(Failure) {
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipSpaces()
        let path = try parseKey()
        try checkDepth(path.count)
        guard peek() == UInt8(ascii: "]") else {
            throw failure("expected ']' to close the header '\(Self.name(path))'")
        }
        index += 1
        if isArray {
            guard peek() == UInt8(ascii: "]") else { throw failure("expected ']]' to close '[[\(Self.name(path))'") }
            index += 1
        }
        var table = root
        for (position, key) in path.dropLast().enumerated() {
            switch table[key] {
            case nil:
                try countValue()
                let node = TOMLTableNode(origin: .implicit)
                table[key] = .table(node)
                table = node
            case .table(let node): table = node
            case .tableArray(let array): table = array.tables[array.tables.count - 1]
            case .value:
                throw failure("'\(Self.name(path[...position]))' is already a value, so it cannot hold a table")
            }
        }
        let last = path[path.count - 1]
        try countValue()
        if isArray {
            let element = TOMLTableNode(origin: .arrayElement)
            switch table[last] {
            case nil:
                let array = TOMLTableArrayNode()
                array.tables.append(element)
                table[last] = .tableArray(array)
            case .tableArray(let array): array.tables.append(element)
            default: throw failure("'\(Self.name(path))' is already defined, so it cannot be an array of tables")
            }
            current = element
        } else {
            switch table[last] {
            case nil:
                let node = TOMLTableNode(origin: .header)
                table[last] = .table(node)
                current = node
            case .table(let node) where node.origin == .implicit:
                node.origin = .header
                current = node
            default: throw failure("table '\(Self.name(path))' is defined twice")
            }
        }
        currentDepth = path.count
        section = nextSection
        nextSection += 1
    }

    /// `key = value` (the key possibly dotted) into `table`, extending only tables this section created.
    mutating func parseKeyValue(into table: TOMLTableNode, section: Int, depth: Int) throws(Failure) {
        let path = try parseKey()
        try checkDepth(depth + path.count)
        guard peek() == UInt8(ascii: "=") else { throw failure("expected '=' after the key '\(Self.name(path))'") }
        index += 1
        skipSpaces()
        var target = table
        for (position, key) in path.dropLast().enumerated() {
            switch target[key] {
            case nil:
                try countValue()
                let node = TOMLTableNode(origin: .dotted(section))
                target[key] = .table(node)
                target = node
            case .table(let node) where node.origin == .dotted(section) || node.origin == .implicit:
                // A parent made implicit by a header may be extended once, by this section only.
                node.origin = .dotted(section)
                target = node
            case .table:
                throw failure(
                    "table '\(Self.name(path[...position]))' is defined elsewhere; a dotted key cannot extend it")
            case .tableArray, .value:
                throw failure("'\(Self.name(path[...position]))' is already a value, so a dotted key cannot extend it")
            }
        }
        let last = path[path.count - 1]
        if target[last] != nil { throw failure("key '\(Self.name(path))' is defined twice") }
        let value = try parseValue(depth: depth + path.count)
        target[last] = .value(value)
    }

    /// A bare, quoted or dotted key, with the spaces after it skipped.
    mutating func parseKey() throws(Failure) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            parts.append(try parseSimpleKey())
            skipSpaces()
            guard peek() == UInt8(ascii: ".") else { return parts }
            index += 1
            try checkDepth(parts.count + 1)
        }
    }

    private mutating func parseSimpleKey() throws(Failure) -> String {
        switch peek() {
        case UInt8(ascii: "\""): return try parseBasicString()
        case UInt8(ascii: "'"): return try parseLiteralString()
        default:
            let start = index
            while let byte = peek(), Self.isBareKeyByte(byte) { index += 1 }
            guard index > start else {
                throw failure(peek().map { "expected a key, found \(Self.describe($0))" } ?? "expected a key")
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }
    }

    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            return true
        default: return false
        }
    }

    /// A key path for messages.
    static func name<Parts: Collection<String>>(_ parts: Parts) -> String {
        parts.map { key in key.utf8.allSatisfy(isBareKeyByte) && !key.isEmpty ? key : "\"\(key)\"" }
            .joined(separator: ".")
    }
}
