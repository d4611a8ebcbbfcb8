/// The framing of a safetensors file, shared by `stemma scan` (which validates every tensor) and the inventory
/// (which reads the lineage in `__metadata__`), so that the two cannot disagree on what a header is.
///
/// Layout: an 8-byte little-endian length N, then N bytes of JSON, then the tensor data.
public enum SafetensorsHeader {
    /// The longest JSON header accepted: the reference library's `MAX_HEADER_SIZE`, 100,000,000 bytes.
    public static let maxJSONBytes = 100_000_000

    /// The shortest JSON header: `{}`.
    public static let minJSONBytes = 2

    /// Why a declared length cannot frame a header.
    public enum LengthProblem: Error, Sendable, Equatable {
        /// Fewer than 8 bytes: no length at all.
        case noLength
        /// Shorter than `{}`.
        case tooShort(UInt64)
        /// Over ``maxJSONBytes``.
        case overLimit(UInt64)
        /// More than the bytes that follow the length.
        case pastEnd(declared: UInt64, available: Int)
    }

    /// The length the first 8 bytes declare, nil when there are fewer.
    public static func declaredLength(_ head: [UInt8]) -> UInt64? {
        var cursor = BinaryCursor(head)
        return try? cursor.readUInt64()
    }

    /// The JSON header's length, checked against the bounds and against `fileSize` (the whole file's size).
    public static func headerLength(_ head: [UInt8], fileSize: Int) -> Result<Int, LengthProblem> {
        guard let declared = declaredLength(head) else { return .failure(.noLength) }
        guard declared >= UInt64(minJSONBytes) else { return .failure(.tooShort(declared)) }
        guard declared <= UInt64(maxJSONBytes) else { return .failure(.overLimit(declared)) }
        let available = max(0, fileSize - 8)
        guard declared <= UInt64(available) else { return .failure(.pastEnd(declared: declared, available: available)) }
        return .success(Int(declared))
    }

    /// Whether `head` starts like a safetensors file: a plausible length, then a JSON object whose first
    /// significant byte after `{` opens a key or closes the object.
    public static func looksLikeHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 10, let length = declaredLength(head), length >= UInt64(minJSONBytes),
            head[8] == UInt8(ascii: "{")
        else { return false }
        let next = head[9...].first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        return next == UInt8(ascii: "\"") || next == UInt8(ascii: "}")
    }
}
