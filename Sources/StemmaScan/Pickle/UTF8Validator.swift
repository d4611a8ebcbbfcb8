/// A streaming UTF-8 check with CPython's `surrogatepass` rule: `ED A0..BF xx` (encoded surrogates) is
/// accepted, everything else follows RFC 3629 (no overlongs, nothing above U+10FFFF).
struct UTF8Validator {
    /// Continuation bytes still expected.
    private var pending = 0
    /// The allowed range of the next continuation byte (narrower right after some lead bytes).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    /// Whether the text ended on a whole character.
    var isComplete: Bool { pending == 0 }

    /// Checks the next bytes; false at the first invalid one.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            if pending > 0 {
                guard byte >= low && byte <= high else { return false }
                pending -= 1
                low = 0x80
                high = 0xBF
                continue
            }
            if byte < 0x80 {
                // Runs of ASCII are the common case.
                while index < count && bytes[index] < 0x80 { index += 1 }
                continue
            }
            switch byte {
            case 0xC2...0xDF: pending = 1
            case 0xE0: pending = 2; low = 0xA0
            case 0xE1...0xEF: pending = 2
            case 0xF0: pending = 3; low = 0x90
            case 0xF1...0xF3: pending = 3
            case 0xF4: pending = 3; high = 0x8F
            default: return false
            }
        }
        return true
    }
}
