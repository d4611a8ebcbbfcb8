import StemmaCore

/// A Python literal as NumPy writes it in an `.npy` header: strings, integers, booleans, `None`, tuples, lists and
/// dicts. Parsed by hand, bounded in depth and size: never evaluated.
indirect enum PythonLiteral: Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case none
    case tuple([PythonLiteral])
    case list([PythonLiteral])
    case dict([(key: PythonLiteral, value: PythonLiteral)])

    static func == (lhs: PythonLiteral, rhs: PythonLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.none, .none): return true
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): return a == b
        case (.dict(let a), .dict(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Parses one literal that fills `bytes` (whitespace around it allowed).
    /// - Throws: ``StemmaError`` `.malformedInput` for anything else.
    static func parse(_ bytes: [UInt8]) throws(StemmaError) -> PythonLiteral {
        var parser = Parser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.count else { throw Parser.failure("text after the literal") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0
        static let maxDepth = 32

        static func failure(_ message: String) -> StemmaError {
            StemmaError(.malformedInput, "the .npy header is not a literal NumPy writes: \(message)")
        }

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func value(depth: Int) throws(StemmaError) -> PythonLiteral {
            guard depth < Self.maxDepth else { throw Self.failure("nested too deeply") }
            skipSpace()
            guard position < bytes.count else { throw Self.failure("it ends early") }
            switch bytes[position] {
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "("):
                return .tuple(try items(close: UInt8(ascii: ")"), depth: depth))
            case UInt8(ascii: "["):
                return .list(try items(close: UInt8(ascii: "]"), depth: depth))
            case UInt8(ascii: "{"): return try dict(depth: depth)
            default: return try word()
            }
        }

        private mutating func items(close: UInt8, depth: Int) throws(StemmaError) -> [PythonLiteral] {
            position += 1
            var result: [PythonLiteral] = []
            while true {
                skipSpace()
                guard position < bytes.count else { throw Self.failure("an unclosed bracket") }
                if bytes[position] == close {
                    position += 1
                    return result
                }
                result.append(try value(depth: depth + 1))
                skipSpace()
                guard position < bytes.count else { throw Self.failure("an unclosed bracket") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] != close {
                    throw Self.failure("a missing comma")
                }
            }
        }

        private mutating func dict(depth: Int) throws(StemmaError) -> PythonLiteral {
            position += 1
            var result: [(key: PythonLiteral, value: PythonLiteral)] = []
            while true {
                skipSpace()
                guard position < bytes.count else { throw Self.failure("an unclosed dict") }
                if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .dict(result)
                }
                let key = try value(depth: depth + 1)
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw Self.failure("a dict key without ':'")
                }
                position += 1
                result.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard position < bytes.count else { throw Self.failure("an unclosed dict") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] != UInt8(ascii: "}") {
                    throw Self.failure("a missing comma")
                }
            }
        }

        private mutating func string() throws(StemmaError) -> String {
            let quote = bytes[position]
            position += 1
            var result: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == quote { return String(decoding: result, as: UTF8.self) }
                if byte == UInt8(ascii: "\\") {
                    guard position < bytes.count else { break }
                    result.append(bytes[position])
                    position += 1
                } else {
                    result.append(byte)
                }
            }
            throw Self.failure("an unterminated string")
        }

        private mutating func word() throws(StemmaError) -> PythonLiteral {
            let start = position
            while position < bytes.count,
                bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "_")
                    || (bytes[position] | 0x20 >= UInt8(ascii: "a") && bytes[position] | 0x20 <= UInt8(ascii: "z"))
                    || (bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9"))
            {
                position += 1
            }
            var text = String(decoding: bytes[start..<position], as: UTF8.self)
            switch text {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            default:
                if text.hasSuffix("L") { text.removeLast() }  // Python 2 longs: (3L, 4L)
                guard text.utf8.count <= 19, let number = Int(text) else { throw Self.failure("'\(text)'") }
                return .integer(number)
            }
        }
    }
}
