/// The text literals of protocol 0, accepted exactly where CPython's `_pickle.c` accepts them, so a file the
/// unpickler would reject is not reported as parsed.
enum PickleLiterals {
    /// INT and LONG arguments. `_pickle.c` first tries `strtol(s, &end, 0)` (INT only: leading whitespace,
    /// sign, `0x` hex, `0` octal, decimal), then `PyLong_FromString(s, NULL, 0)`, which is Python's `int(s, 0)`:
    /// `0x`/`0o`/`0b` prefixes, underscores between digits, no leading zeros on decimals, surrounding whitespace.
    static func isInteger(_ text: [UInt8], allowStrtol: Bool) -> Bool {
        (allowStrtol && isStrtolInteger(text)) || isPythonInteger(text)
    }

    /// FLOAT arguments: `PyOS_string_to_double` reads a decimal float or `inf`, `infinity`, `nan` (any case,
    /// signed), with nothing around it: no spaces, no underscores.
    static func isFloat(_ text: [UInt8]) -> Bool {
        var index = 0
        if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
        let word = String(decoding: text[index...], as: UTF8.self).lowercased()
        if word == "inf" || word == "infinity" || word == "nan" { return true }
        let isDigit = { (byte: UInt8) in (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        var digits = 0
        while index < text.count, isDigit(text[index]) { index += 1; digits += 1 }
        if index < text.count, text[index] == UInt8(ascii: ".") {
            index += 1
            while index < text.count, isDigit(text[index]) { index += 1; digits += 1 }
        }
        guard digits > 0 else { return false }
        if index < text.count, text[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
            let start = index
            while index < text.count, isDigit(text[index]) { index += 1 }
            guard index > start else { return false }
        }
        return index == text.count
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    private static func digitValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
    }

    private static func isStrtolInteger(_ text: [UInt8]) -> Bool {
        var index = 0
        while index < text.count, isSpace(text[index]) { index += 1 }
        if index < text.count, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
        var base = 10
        if index + 1 < text.count, text[index] == UInt8(ascii: "0"), text[index + 1] | 0x20 == UInt8(ascii: "x"),
            index + 2 < text.count, (digitValue(text[index + 2]) ?? 99) < 16
        {
            base = 16
            index += 2
        } else if index < text.count, text[index] == UInt8(ascii: "0") {
            base = 8
        }
        let start = index
        while index < text.count, let digit = digitValue(text[index]), digit < base { index += 1 }
        // strtol overflows (errno ERANGE) past 64 bits; the fallback then decides.
        return index > start && index == text.count && index - start <= (base == 16 ? 15 : base == 8 ? 20 : 18)
    }

    private static func isPythonInteger(_ text: [UInt8]) -> Bool {
        var lower = 0
        var upper = text.count
        while lower < upper, isSpace(text[lower]) { lower += 1 }
        while upper > lower, isSpace(text[upper - 1]) { upper -= 1 }
        var index = lower
        if index < upper, text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-") { index += 1 }
        guard index < upper else { return false }
        var base = 10
        if text[index] == UInt8(ascii: "0"), index + 1 < upper {
            switch text[index + 1] | 0x20 {
            case UInt8(ascii: "x"): base = 16
            case UInt8(ascii: "o"): base = 8
            case UInt8(ascii: "b"): base = 2
            default: break
            }
        }
        if base != 10 {
            index += 2
            // An underscore may follow the prefix: 0x_1f.
            if index < upper, text[index] == UInt8(ascii: "_") { index += 1 }
        } else if text[index] == UInt8(ascii: "0") {
            // Decimal with a leading zero: only zeros (and underscores between them).
            return digits(text[index..<upper], base: 1)
        }
        return digits(text[index..<upper], base: base)
    }

    /// Digits of `base` with single underscores between them (base 1 means zeros only).
    private static func digits(_ text: ArraySlice<UInt8>, base: Int) -> Bool {
        guard let first = text.first, first != UInt8(ascii: "_"), text.last != UInt8(ascii: "_") else { return false }
        var previousUnderscore = false
        for byte in text {
            if byte == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
                continue
            }
            previousUnderscore = false
            guard let digit = digitValue(byte), base == 1 ? digit == 0 : digit < base else { return false }
        }
        return true
    }
}
