/// Numbers as RFC 8785 §3.2.2.3 serializes them: the JSON text is read as an IEEE 754 double (correctly rounded),
/// and printed as ECMAScript's `Number.prototype.toString` does: the shortest digits that round-trip, in plain
/// notation for decimal exponents from -6 to 21 and in `d.ddde±x` notation outside.
///
/// Swift's `Double.description` already yields the shortest round-trip digits; only its layout differs from
/// ECMAScript's, so the digits and exponent are taken from it and laid out again.
public enum JCSNumber {
    /// The canonical text of the JSON number `text`, or nil when it is not a finite double (e.g. `1e400`).
    public static func format(_ text: String) -> String? {
        // The parser has already checked JSON number syntax; bound the length anyway. A longer number (no real
        // card has one) is refused as unreadable rather than rounded by a reader Stemma has not checked.
        guard text.utf8.count <= 4_096, let value = Double(text), value.isFinite else { return nil }
        return format(value)
    }

    /// The ECMAScript text of a finite double.
    public static func format(_ value: Double) -> String {
        if value == 0 { return "0" }  // also -0
        let negative = value < 0
        let (digits, exponent) = shortestDigits(abs(value))
        return (negative ? "-" : "") + layout(digits: digits, pointPosition: exponent)
    }

    /// The shortest round-trip digits `d1 d2 … dk` (no leading or trailing zeros) and `n` with value = 0.d1…dk × 10^n.
    private static func shortestDigits(_ value: Double) -> ([UInt8], Int) {
        let text = Array(value.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self)) ?? 0
        }
        var digits: [UInt8] = []
        var integerDigits = 0
        var seenPoint = false
        for byte in mantissa {
            if byte == UInt8(ascii: ".") {
                seenPoint = true
                continue
            }
            digits.append(byte)
            if !seenPoint { integerDigits += 1 }
        }
        var point = integerDigits + exponent
        while let first = digits.first, first == UInt8(ascii: "0") {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, point)
    }

    /// ECMAScript Number::toString steps 6 to 10 for k = digits.count and n = pointPosition.
    private static func layout(digits: [UInt8], pointPosition n: Int) -> String {
        let k = digits.count
        let s = String(decoding: digits, as: UTF8.self)
        if k <= n && n <= 21 { return s + String(repeating: "0", count: n - k) }
        if 0 < n && n <= 21 {
            return String(decoding: digits[..<n], as: UTF8.self) + "." + String(decoding: digits[n...], as: UTF8.self)
        }
        if -6 < n && n <= 0 { return "0." + String(repeating: "0", count: -n) + s }
        let e = n - 1
        let sign = e < 0 ? "-" : "+"
        let head = String(decoding: digits[..<1], as: UTF8.self)
        let tail = k == 1 ? "" : "." + String(decoding: digits[1...], as: UTF8.self)
        return head + tail + "e" + sign + String(abs(e))
    }
}
