/// The string constants a Jinja template computes, as Jinja would evaluate them (issue 10, rule 6: templates as
/// programs): the template is split into its `{{ … }}` and `{% … %}` blocks, each block into tokens, every string
/// literal decoded (`\x5f`, `\u005f`, `\U0000005f`, `\N{LOW LINE}`-free escapes, octal `\137`), and constant
/// expressions folded: `~` and `+` between literals, adjacent literals (Jinja joins them), grouping parentheses,
/// `[…]|join` of a list of literals (with a literal separator or none), and `|reverse`, `|lower`, `|upper` and
/// `|format(…)` of literals on a folded string.
///
/// A sandbox-escape name that appears only after folding (`'__in'~'it__'`, `'\x5f\x5fglobals\x5f\x5f'`) was
/// hidden on purpose: no honest chat template spells its constants that way.
enum JinjaConstants {
    /// The most constants collected from one template.
    static let maxConstants = 100_000

    /// Every decoded literal and every folded constant of `template`'s code blocks.
    static func constants(in template: [UInt8]) -> [String] {
        var result: [String] = []
        var index = 0
        while index + 1 < template.count, result.count < maxConstants {
            guard template[index] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            let next = template[index + 1]
            if next == UInt8(ascii: "#") {
                index = find("#}", in: template, from: index + 2).map { $0 + 2 } ?? template.count
            } else if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") {
                let closer: UInt8 = next == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "%")
                var lexer = JinjaLexer(template, from: index + 2, closer: closer)
                let tokens = lexer.tokens()
                result += fold(tokens)
                index = lexer.position
            } else {
                index += 1
            }
        }
        return result
    }

    /// The literals of `tokens` and the constants folded from them.
    static func fold(_ blockTokens: [JinjaToken]) -> [String] {
        let tokens = withoutGrouping(blockTokens)
        var result: [String] = []
        var index = 0
        while index < tokens.count {
            if case .string(let first) = tokens[index] {
                var value = first
                result.append(first)
                index += 1
                // Adjacent literals, and `~` / `+` followed by a literal.
                while index < tokens.count {
                    if case .string(let more) = tokens[index] {
                        result.append(more)
                        value += more
                        index += 1
                    } else if index + 1 < tokens.count, tokens[index] == .symbol("~") || tokens[index] == .symbol("+"),
                        case .string(let more) = tokens[index + 1]
                    {
                        result.append(more)
                        value += more
                        index += 2
                    } else {
                        break
                    }
                }
                (value, index) = filters(value, tokens, index)
                result.append(value)
            } else if tokens[index] == .symbol("["), let (items, end) = literalList(tokens, from: index) {
                result += items
                var after = end
                if after + 1 < tokens.count, tokens[after] == .symbol("|"), tokens[after + 1] == .name("join") {
                    after += 2
                    var separator = ""
                    if after + 2 < tokens.count, tokens[after] == .symbol("("),
                        case .string(let value) = tokens[after + 1],
                        tokens[after + 2] == .symbol(")")
                    {
                        separator = value
                        after += 3
                    }
                    let (joined, next) = filters(items.joined(separator: separator), tokens, after)
                    result.append(joined)
                    index = next
                } else {
                    index = end
                }
            } else {
                index += 1
            }
        }
        return result
    }

    /// `tokens` without grouping parentheses (those not after a name, `)` or `]`, so not a call's), and without
    /// the matching `)`: `'__in' ~ ('it' ~ '__')` folds like `'__in' ~ 'it' ~ '__'`. Folding may then join a
    /// little more than Jinja's precedence would; it only ever adds candidate constants.
    static func withoutGrouping(_ tokens: [JinjaToken]) -> [JinjaToken] {
        var result: [JinjaToken] = []
        var opened: [Bool] = []  // for each open '(': whether it groups (and is dropped)
        for token in tokens {
            if token == .symbol("(") {
                let call: Bool
                switch result.last {
                case .name?, .symbol(")")?, .symbol("]")?: call = true
                default: call = false
                }
                opened.append(!call)
                if call { result.append(token) }
            } else if token == .symbol(")") {
                if opened.popLast() != true { result.append(token) }
            } else {
                result.append(token)
            }
        }
        return result
    }

    /// Applies the string filters that keep a constant constant: `|reverse`, `|lower`, `|upper`, `|string`, and
    /// `|format(…)` with literal arguments (`'%c%c'|format(95, 95)` is `__`).
    private static func filters(_ value: String, _ tokens: [JinjaToken], _ start: Int) -> (String, Int) {
        var value = value
        var index = start
        while index + 1 < tokens.count, tokens[index] == .symbol("|"), case .name(let filter) = tokens[index + 1] {
            switch filter {
            case "reverse": value = String(value.reversed())
            case "lower": value = value.lowercased()
            case "upper": value = value.uppercased()
            case "string", "trim": break
            case "format":
                guard let (arguments, end) = literalArguments(tokens, from: index + 2) else { return (value, index) }
                value = percentFormat(value, arguments)
                index = end - 2
            default: return (value, index)
            }
            index += 2
        }
        return (value, index)
    }

    /// `( 95, 'x', … )` at `start`: literal arguments and the index after the `)`, or nil.
    private static func literalArguments(_ tokens: [JinjaToken], from start: Int) -> ([JinjaToken], Int)? {
        guard start < tokens.count, tokens[start] == .symbol("(") else { return nil }
        var arguments: [JinjaToken] = []
        var index = start + 1
        while index < tokens.count {
            switch tokens[index] {
            case .string, .number: arguments.append(tokens[index])
            case .symbol(","): break
            case .symbol(")"): return (arguments, index + 1)
            default: return nil
            }
            index += 1
        }
        return nil
    }

    /// Python's `%` formatting for `%c`, `%s`, `%d` and `%%`, the conversions an obfuscator needs.
    static func percentFormat(_ format: String, _ arguments: [JinjaToken]) -> String {
        var output = ""
        var next = arguments.makeIterator()
        var characters = format.makeIterator()
        while let character = characters.next() {
            guard character == "%", let conversion = characters.next() else {
                output.append(character)
                continue
            }
            switch (conversion, conversion == "%" ? nil : next.next()) {
            case ("%", _): output.append("%")
            case ("c", .number(let code)?): output += Unicode.Scalar(UInt32(clamping: code)).map { String($0) } ?? ""
            case ("c", .string(let text)?), ("s", .string(let text)?): output += text
            case ("s", .number(let number)?), ("d", .number(let number)?): output += String(number)
            default: output += "%" + String(conversion)
            }
        }
        return output
    }

    /// A list of string literals `[ 'a', 'b' ]` starting at `start` (a `[`), and the index after its `]`.
    private static func literalList(_ tokens: [JinjaToken], from start: Int) -> ([String], Int)? {
        var items: [String] = []
        var index = start + 1
        while index < tokens.count {
            switch tokens[index] {
            case .string(let value):
                var item = value
                index += 1
                while index < tokens.count, case .string(let more) = tokens[index] {
                    item += more
                    index += 1
                }
                items.append(item)
            case .symbol(","): index += 1
            case .symbol("]"): return (items, index + 1)
            default: return nil
            }
        }
        return nil
    }

    static func find(_ needle: String, in bytes: [UInt8], from start: Int) -> Int? {
        ChatTemplateRules.firstIndex(of: Array(needle.utf8), in: bytes, from: start)
    }
}

/// One token of a Jinja expression.
enum JinjaToken: Equatable {
    case string(String)
    case name(String)
    case symbol(String)
    /// A decimal integer literal (for `|format` of `%c`).
    case number(Int)
    case other
}

/// Tokenises one Jinja block from after its opener to its closer (`}}` or `%}`, strings respected).
struct JinjaLexer {
    private let bytes: [UInt8]
    private let closer: UInt8
    private(set) var position: Int
    /// Tokens read from one block at most; a longer block is cut (its raw bytes are matched anyway).
    static let maxTokens = 1 << 20

    init(_ bytes: [UInt8], from start: Int, closer: UInt8) {
        self.bytes = bytes
        self.position = start
        self.closer = closer
    }

    mutating func tokens() -> [JinjaToken] {
        var tokens: [JinjaToken] = []
        while position < bytes.count, tokens.count < Self.maxTokens {
            let byte = bytes[position]
            if byte == closer, position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "}") {
                position += 2
                return tokens
            }
            if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                tokens.append(.string(readString(quote: byte)))
            } else if ChatTemplateRules.isIdentifierStart(byte) {
                let start = position
                while position < bytes.count, ChatTemplateRules.isIdentifierByte(bytes[position]) { position += 1 }
                tokens.append(.name(String(decoding: bytes[start..<position], as: UTF8.self)))
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                position += 1
            } else if byte >= 0x30 && byte <= 0x39 {
                let start = position
                while position < bytes.count, ChatTemplateRules.isIdentifierByte(bytes[position]) { position += 1 }
                let digits = String(decoding: bytes[start..<position], as: UTF8.self)
                tokens.append(digits.count <= 9 ? Int(digits).map(JinjaToken.number) ?? .other : .other)
            } else {
                tokens.append(.symbol(String(UnicodeScalar(byte))))
                position += 1
            }
        }
        return tokens
    }

    /// A Python string literal's value (Jinja decodes its literals with Python's escape rules).
    private mutating func readString(quote: UInt8) -> String {
        position += 1
        var value: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            if byte == quote { break }
            guard byte == UInt8(ascii: "\\"), position < bytes.count else {
                value.append(byte)
                continue
            }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "n"): value.append(0x0A)
            case UInt8(ascii: "t"): value.append(0x09)
            case UInt8(ascii: "r"): value.append(0x0D)
            case UInt8(ascii: "x"): append(scalar: readDigits(radix: 16, count: 2), to: &value)
            case UInt8(ascii: "u"): append(scalar: readDigits(radix: 16, count: 4), to: &value)
            case UInt8(ascii: "U"): append(scalar: readDigits(radix: 16, count: 8), to: &value)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                position -= 1
                append(scalar: readDigits(radix: 8, count: 3, exact: false), to: &value)
            case UInt8(ascii: "\n"): break
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): value.append(escape)
            case UInt8(ascii: "a"): value.append(0x07)
            case UInt8(ascii: "b"): value.append(0x08)
            case UInt8(ascii: "f"): value.append(0x0C)
            case UInt8(ascii: "v"): value.append(0x0B)
            default: value += [UInt8(ascii: "\\"), escape]
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    private func append(scalar: Int?, to value: inout [UInt8]) {
        guard let scalar, let unicode = Unicode.Scalar(UInt32(clamping: scalar)) else { return }
        value += Array(String(Character(unicode)).utf8)
    }

    private mutating func readDigits(radix: Int, count: Int, exact: Bool = true) -> Int? {
        var result = 0
        var read = 0
        while read < count, position < bytes.count, let digit = TextFormatLexer.digit(bytes[position], radix: radix) {
            result = result * radix + digit
            position += 1
            read += 1
        }
        return read == 0 || (exact && read < count) ? nil : result
    }
}
