/// A non-negative decimal integer of any length, as version schemes use them (`20241112`, `0`, `01` == `1`).
///
/// Kept as its digits so that no version string can overflow it; ordered by value.
struct VersionNumeral: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// ASCII digits without leading zeros (`"0"` for zero).
    let digits: String

    static let zero = VersionNumeral(validatedDigits: "0")

    private init(validatedDigits: String) { digits = validatedDigits }

    /// Reads ASCII digits; nil when `text` is empty or holds anything else.
    init?(_ text: Substring) {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let significant = text.drop { $0 == "0" }
        digits = significant.isEmpty ? "0" : String(significant)
    }

    var isZero: Bool { digits == "0" }

    var description: String { digits }

    static func < (lhs: VersionNumeral, rhs: VersionNumeral) -> Bool {
        let left = lhs.digits.utf8
        let right = rhs.digits.utf8
        if left.count != right.count { return left.count < right.count }
        return left.lexicographicallyPrecedes(right)
    }
}

extension UInt8 {
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isASCIILetter: Bool { (self >= 0x61 && self <= 0x7A) || (self >= 0x41 && self <= 0x5A) }
}

/// Three-way comparison of two comparable values: -1, 0 or 1.
func compareValues<T: Comparable>(_ lhs: T, _ rhs: T) -> Int {
    lhs < rhs ? -1 : (lhs == rhs ? 0 : 1)
}

/// Three-way lexicographic comparison of two sequences with a three-way element comparison; a proper prefix
/// sorts first.
func compareSequences<T>(_ lhs: [T], _ rhs: [T], by compare: (T, T) -> Int) -> Int {
    for (left, right) in zip(lhs, rhs) {
        let order = compare(left, right)
        if order != 0 { return order }
    }
    return compareValues(lhs.count, rhs.count)
}

/// Three-way comparison of two strings by their UTF-8 bytes (code point order), as Python compares `str`.
func compareBytes(_ lhs: String, _ rhs: String) -> Int {
    if lhs == rhs { return 0 }
    return lhs.utf8.lexicographicallyPrecedes(rhs.utf8) ? -1 : 1
}
