/// A name that is equal to another only when their UTF-8 bytes are equal, and hashed by those bytes.
///
/// Swift's `String` `==`, `<` and `Hashable` follow Unicode canonical equivalence: `"café"` spelled NFC and NFD is
/// one key of a `[String: X]`, and `"\u{212A}"` (KELVIN SIGN) `== "K"`. File systems on Linux, `tar`, `zip` and
/// `model_signing` (Python `str`) tell those names apart, so a model-relative name is keyed by this type, never by
/// `String`: otherwise one signed file could stand for a differently spelled file on disk.
public struct ExactName: Hashable, Sendable, CustomStringConvertible {
    /// The name as text. Its UTF-8 bytes are what is compared.
    public let string: String

    /// Wraps a name; its storage is made contiguous UTF-8 once, so comparing and hashing never copy.
    public init(_ string: String) {
        var contiguous = string
        contiguous.makeContiguousUTF8()
        self.string = contiguous
    }

    public var description: String { string }

    public static func == (lhs: ExactName, rhs: ExactName) -> Bool {
        let fast = lhs.string.utf8.withContiguousStorageIfAvailable { left in
            rhs.string.utf8.withContiguousStorageIfAvailable { right in left.elementsEqual(right) }
        }
        return (fast ?? nil) ?? lhs.string.isExactly(rhs.string)
    }

    public func hash(into hasher: inout Hasher) {
        let hashed: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashed == nil {
            for byte in string.utf8 { hasher.combine(byte) }
        }
    }
}

extension StringProtocol {
    /// Whether the UTF-8 bytes of `self` and `other` are the same (`==` on `String` compares canonically).
    public func isExactly(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Native strings compare as buffers: the generic iterator comparison was 4 % of reading a fleet (JSON keys).
        let compared = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in mine.elementsEqual(theirs) }
        }
        if let compared, let equal = compared { return equal }
        return utf8.elementsEqual(other.utf8)
    }

    /// Whether `self`'s UTF-8 bytes start with `prefix`'s (`hasPrefix` on `String` compares canonically).
    public func hasExactPrefix(_ prefix: some StringProtocol) -> Bool {
        utf8.starts(with: prefix.utf8)
    }

    /// Whether `self`'s UTF-8 bytes end with `suffix`'s.
    public func hasExactSuffix(_ suffix: some StringProtocol) -> Bool {
        let count = suffix.utf8.count
        return utf8.count >= count && utf8.dropFirst(utf8.count - count).elementsEqual(suffix.utf8)
    }
}
