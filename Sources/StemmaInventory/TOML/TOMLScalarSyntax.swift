/// The grammar of TOML's unquoted scalars: integers, floats, dates and times, checked on one scanned token.
enum TOMLScalarSyntax {
    /// The value `token` spells, or nil when it is not a valid number, date or time.
    static func value(of token: [UInt8]) -> TOMLValue? {
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if looksLikeDateTime(token) { return isDateTime(token) ? .dateTime(text) : nil }
        if token.count > 2, token[0] == UInt8(ascii: "0") {
            let radix: Int? =
                switch token[1] {
                case UInt8(ascii: "x"): 16
                case UInt8(ascii: "o"): 8
                case UInt8(ascii: "b"): 2
                default: nil
                }
            if let radix {
                let digits = Array(token[2...])
                guard hasDigitsWithSeparators(digits, radix: radix) else { return nil }
                return Int64(stripped(digits), radix: radix).map { .integer($0) }
            }
        }
        return decimal(token)
    }

    /// Whether the token starts like a date (`1979-`) or a time (`07:`), so errors can say which was meant.
    static func looksLikeDateTime(_ token: [UInt8]) -> Bool {
        if token.count >= 5, token[0..<4].allSatisfy(isDigit), token[4] == UInt8(ascii: "-") { return true }
        return token.count >= 3 && token[0..<2].allSatisfy(isDigit) && token[2] == UInt8(ascii: ":")
    }

    /// Whether the token is a well-formed decimal integer that is too large for 64 bits.
    static func isIntegerOutOfRange(_ token: [UInt8]) -> Bool {
        var body = token[...]
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") { body = body.dropFirst() }
        guard body.count == 1 || body.first != UInt8(ascii: "0") else { return false }
        return hasDigitsWithSeparators(Array(body), radix: 10) && decimal(token) == nil
    }

    /// `[+-]? int ( . digits )? ( [eE] [+-]? digits )?` with underscores only between digits and no leading zero.
    private static func decimal(_ token: [UInt8]) -> TOMLValue? {
        var position = 0
        if position < token.count, token[position] == UInt8(ascii: "+") || token[position] == UInt8(ascii: "-") {
            position += 1
        }
        let integerStart = position
        position = endOfDigits(token, from: position)
        let integerPart = Array(token[integerStart..<position])
        guard hasDigitsWithSeparators(integerPart, radix: 10) else { return nil }
        guard integerPart.count == 1 || integerPart[0] != UInt8(ascii: "0") else { return nil }
        var isFloat = false
        if position < token.count, token[position] == UInt8(ascii: ".") {
            let fractionStart = position + 1
            position = endOfDigits(token, from: fractionStart)
            guard hasDigitsWithSeparators(Array(token[fractionStart..<position]), radix: 10) else { return nil }
            isFloat = true
        }
        if position < token.count, token[position] == UInt8(ascii: "e") || token[position] == UInt8(ascii: "E") {
            position += 1
            if position < token.count, token[position] == UInt8(ascii: "+") || token[position] == UInt8(ascii: "-") {
                position += 1
            }
            let exponentStart = position
            position = endOfDigits(token, from: exponentStart)
            guard hasDigitsWithSeparators(Array(token[exponentStart..<position]), radix: 10) else { return nil }
            isFloat = true
        }
        guard position == token.count else { return nil }
        let plain = stripped(token)
        if isFloat { return Double(plain).map { .float($0) } }
        return Int64(plain).map { .integer($0) }
    }

    private static func endOfDigits(_ token: [UInt8], from start: Int) -> Int {
        var position = start
        while position < token.count, isDigit(token[position]) || token[position] == UInt8(ascii: "_") {
            position += 1
        }
        return position
    }

    /// One or more digits of `radix`, an underscore allowed only between two digits.
    private static func hasDigitsWithSeparators(_ digits: [UInt8], radix: Int) -> Bool {
        guard let first = digits.first, let last = digits.last, first != 0x5F, last != 0x5F else { return false }
        var previousWasSeparator = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                if previousWasSeparator { return false }
                previousWasSeparator = true
                continue
            }
            previousWasSeparator = false
            guard let value = digitValue(byte), value < radix else { return false }
        }
        return true
    }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    private static func stripped(_ token: [UInt8]) -> String {
        String(decoding: token.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: Dates and times (RFC 3339 as TOML 1.0 allows it)

    /// A local date, local time, local date-time or offset date-time.
    private static func isDateTime(_ token: [UInt8]) -> Bool {
        if token[2] == UInt8(ascii: ":") { return isTime(token[...]) }
        guard token.count >= 10, isDate(token[0..<10]) else { return false }
        if token.count == 10 { return true }
        guard [UInt8(ascii: "T"), UInt8(ascii: "t"), 0x20].contains(token[10]) else { return false }
        var time = token[11...]
        if let last = time.last, last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") {
            time = time.dropLast()
        } else if time.count > 6, let sign = time.dropLast(5).last,
            sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-")
        {
            guard isTwoDigitPair(time.suffix(5), firstLimit: 23, secondLimit: 59) else { return false }
            time = time.dropLast(6)
        }
        return isTime(time)
    }

    /// `YYYY-MM-DD` with a real day of that month (leap years included).
    private static func isDate(_ text: ArraySlice<UInt8>) -> Bool {
        let base = text.startIndex
        guard text.count == 10, text[base + 4] == UInt8(ascii: "-"), text[base + 7] == UInt8(ascii: "-"),
            let year = number(text[base..<base + 4]), let month = number(text[base + 5..<base + 7]),
            let day = number(text[base + 8..<base + 10]), (1...12).contains(month)
        else { return false }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day >= 1 && day <= lengths[month - 1]
    }

    /// `HH:MM:SS` with an optional fraction of a second.
    private static func isTime(_ text: ArraySlice<UInt8>) -> Bool {
        let base = text.startIndex
        guard text.count >= 8, isTwoDigitPair(text[base..<base + 5], firstLimit: 23, secondLimit: 59),
            text[base + 5] == UInt8(ascii: ":"), let second = number(text[base + 6..<base + 8]), second <= 60
        else { return false }
        if text.count == 8 { return true }
        let fraction = text[(base + 9)...]
        return text[base + 8] == UInt8(ascii: ".") && !fraction.isEmpty && fraction.allSatisfy(isDigit)
    }

    /// `NN:NN` within the limits (hours and minutes).
    private static func isTwoDigitPair(_ text: ArraySlice<UInt8>, firstLimit: Int, secondLimit: Int) -> Bool {
        let base = text.startIndex
        guard text.count == 5, text[base + 2] == UInt8(ascii: ":"), let first = number(text[base..<base + 2]),
            let second = number(text[base + 3..<base + 5])
        else { return false }
        return first <= firstLimit && second <= secondLimit
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.allSatisfy(isDigit) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
