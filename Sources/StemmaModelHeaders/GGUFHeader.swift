/// One typed metadata value of a GGUF file.
public enum GGUFValue: Sendable, Equatable {
    /// UINT8, UINT16, UINT32 or UINT64.
    case unsigned(UInt64)
    /// INT8, INT16, INT32 or INT64.
    case signed(Int64)
    /// FLOAT32 or FLOAT64.
    case float(Double)
    /// BOOL.
    case bool(Bool)
    /// STRING (invalid UTF-8 replaced).
    case string(String)
    /// ARRAY, possibly of arrays.
    case array([GGUFValue])

    /// The value as text: strings as they are, numbers in decimal, Booleans as `true` / `false`.
    public var text: String? {
        switch self {
        case .string(let value): return value
        case .unsigned(let value): return String(value)
        case .signed(let value): return String(value)
        case .float(let value): return String(value)
        case .bool(let value): return String(value)
        case .array: return nil
        }
    }

    /// The value as a non-negative integer, whatever its width (`uint32` and `uint64` counts alike).
    public var integer: UInt64? {
        switch self {
        case .unsigned(let value): return value
        case .signed(let value) where value >= 0: return UInt64(value)
        default: return nil
        }
    }
}

/// The metadata section of a GGUF file: version, counts and the key-value pairs, parsed without touching
/// tensor information or data.
///
/// Every length is checked against the bytes present and against fixed bounds (strings 1 MiB, keys 64 KiB,
/// arrays nested 8 deep, at most ``maxHeaderBytes`` in all), so a hostile header fails with a reason instead of
/// allocating or trapping. Values of keys outside `general.`, `adapter.`, `imatrix.` and `split.` (tokenizer
/// vocabularies, hyper-parameters) are checked and skipped, not kept.
public struct GGUFHeader: Sendable {
    /// Why a header could not be parsed.
    public enum Failure: Error, Sendable, Equatable {
        /// The bytes end before the metadata does; the whole metadata needs at least `requiredLength` bytes.
        case truncated(requiredLength: Int)
        /// The header breaks the format or a bound.
        case malformed(String)
    }

    /// The most bytes the metadata section may take: 64 MiB.
    public static let maxHeaderBytes = 64 << 20
    /// The longest string value or key.
    public static let maxStringBytes = 1 << 20
    /// The deepest nesting of arrays.
    public static let maxArrayDepth = 8
    /// The most elements an array whose value is kept may have.
    public static let maxKeptArrayCount = 1 << 16

    /// The format version (1, 2 or 3).
    public var version: UInt32
    /// Whether the file is big-endian (recognised by a byte-swapped version).
    public var bigEndian: Bool
    /// The declared number of tensors.
    public var tensorCount: UInt64
    /// The kept metadata values by key.
    public var metadata: [String: GGUFValue]
    /// The offset just past the last key-value pair.
    public var metadataEnd: Int

    /// Whether the bytes start with the GGUF magic and a known version (either byte order).
    public static func hasMagic(_ head: [UInt8]) -> Bool {
        guard head.count >= 8, head.starts(with: Array("GGUF".utf8)) else { return false }
        var cursor = BinaryCursor(head, offset: 4)
        guard let version = try? cursor.readUInt32() else { return false }
        return (1...3).contains(version) || (1...3).contains(version.byteSwapped)
    }

    /// Parses the header and metadata at the start of `bytes`.
    /// - Throws: ``Failure/truncated(requiredLength:)`` when more bytes are needed, ``Failure/malformed(_:)``
    ///   for anything else wrong.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> GGUFHeader {
        do {
            return try parseUnchecked(bytes)
        } catch let error as Failure {
            throw error
        } catch let error as BinaryCursor.OutOfBounds {
            throw .truncated(requiredLength: error.requiredLength)
        } catch {
            throw .malformed("unexpected error \(error)")
        }
    }

    private static func parseUnchecked(_ bytes: [UInt8]) throws -> GGUFHeader {
        var cursor = BinaryCursor(bytes)
        guard try cursor.readBytes(4).elementsEqual("GGUF".utf8) else { throw Failure.malformed("no GGUF magic") }
        let rawVersion = try cursor.readUInt32()
        let bigEndian = !(1...3).contains(rawVersion) && (1...3).contains(rawVersion.byteSwapped)
        let version = bigEndian ? rawVersion.byteSwapped : rawVersion
        guard (1...3).contains(version) else { throw Failure.malformed("unsupported GGUF version \(rawVersion)") }
        cursor = BinaryCursor(bytes, offset: cursor.offset, bigEndian: bigEndian)
        var parser = GGUFValueParser(cursor: cursor, wideLengths: version >= 2)
        let (tensorCount, kvCount) = try parser.readCounts(version: version)
        guard kvCount <= UInt64(maxHeaderBytes / 14) else {
            throw Failure.malformed("metadata count \(kvCount) cannot fit in \(maxHeaderBytes) bytes")
        }
        var metadata: [String: GGUFValue] = [:]
        for _ in 0..<kvCount {
            let key = try parser.readString(limit: 65_535)
            let type = try parser.cursor.readUInt32()
            let keep = ["general.", "adapter.", "imatrix.", "split."].contains { key.hasPrefix($0) }
            let value = try parser.readValue(type: type, keep: keep, depth: 0)
            if keep, let value { metadata[key] = value }
            guard parser.cursor.offset <= maxHeaderBytes else {
                throw Failure.malformed("metadata is longer than the \(maxHeaderBytes)-byte limit")
            }
        }
        return GGUFHeader(
            version: version, bigEndian: bigEndian, tensorCount: tensorCount, metadata: metadata,
            metadataEnd: parser.cursor.offset)
    }
}

/// Reads GGUF strings and typed values from a cursor, checking each length before using it.
private struct GGUFValueParser {
    var cursor: BinaryCursor
    /// Version 1 wrote 32-bit string lengths and array counts; later versions write 64-bit ones.
    let wideLengths: Bool

    /// The tensor and metadata counts: 64-bit, or 32-bit in version 1 and from writers that still use them (a
    /// 64-bit tensor count with its high half set is really two 32-bit counts: a real file has at least one key).
    mutating func readCounts(version: UInt32) throws -> (UInt64, UInt64) {
        if version == 1 { return (UInt64(try cursor.readUInt32()), UInt64(try cursor.readUInt32())) }
        let tensorCount = try cursor.readUInt64()
        guard tensorCount >> 32 != 0 else { return (tensorCount, try cursor.readUInt64()) }
        let first = cursor.bigEndian ? tensorCount >> 32 : tensorCount & 0xFFFF_FFFF
        let second = cursor.bigEndian ? tensorCount & 0xFFFF_FFFF : tensorCount >> 32
        return (first, second)
    }

    mutating func readLength() throws -> UInt64 {
        wideLengths ? try cursor.readUInt64() : UInt64(try cursor.readUInt32())
    }

    mutating func readString(limit: Int = GGUFHeader.maxStringBytes) throws -> String {
        let length = try readLength()
        guard length <= UInt64(limit) else {
            throw GGUFHeader.Failure.malformed("a string of \(length) bytes exceeds the \(limit)-byte limit")
        }
        return String(decoding: try cursor.readBytes(length), as: UTF8.self)
    }

    /// Reads one value; returns nil when `keep` is false (the bytes are still checked and skipped).
    mutating func readValue(type: UInt32, keep: Bool, depth: Int) throws -> GGUFValue? {
        if let width = Self.fixedWidth(type) {
            guard keep else {
                try cursor.skip(UInt64(width))
                return nil
            }
            return try readScalar(type: type)
        }
        switch type {
        case 8:
            let text = try readString()
            return keep ? .string(text) : nil
        case 9:
            return try readArray(keep: keep, depth: depth + 1)
        default:
            throw GGUFHeader.Failure.malformed("unknown value type \(type) at byte \(cursor.offset - 4)")
        }
    }

    private mutating func readArray(keep: Bool, depth: Int) throws -> GGUFValue? {
        guard depth <= GGUFHeader.maxArrayDepth else {
            throw GGUFHeader.Failure.malformed("arrays nested deeper than \(GGUFHeader.maxArrayDepth)")
        }
        let elementType = try cursor.readUInt32()
        let count = try readLength()
        // Every element takes at least one byte, so a count past the header bound cannot be honest.
        guard count <= UInt64(GGUFHeader.maxHeaderBytes) else {
            throw GGUFHeader.Failure.malformed("an array of \(count) elements cannot fit in the metadata")
        }
        if keep && count > UInt64(GGUFHeader.maxKeptArrayCount) {
            throw GGUFHeader.Failure.malformed("an array of \(count) elements under a general key is too long")
        }
        if !keep, let width = Self.fixedWidth(elementType) {
            try cursor.skip(count * UInt64(width))  // count ≤ 64 Mi and width ≤ 8: no overflow
            return nil
        }
        guard Self.fixedWidth(elementType) != nil || elementType == 8 || elementType == 9 else {
            throw GGUFHeader.Failure.malformed("unknown array element type \(elementType)")
        }
        var elements: [GGUFValue] = []
        for _ in 0..<count {
            if let element = try readValue(type: elementType, keep: keep, depth: depth) { elements.append(element) }
        }
        return keep ? .array(elements) : nil
    }

    private mutating func readScalar(type: UInt32) throws -> GGUFValue {
        switch type {
        case 0: return .unsigned(UInt64(try cursor.readUInt8()))
        case 1: return .signed(Int64(Int8(bitPattern: try cursor.readUInt8())))
        case 2: return .unsigned(UInt64(try cursor.readUInt16()))
        case 3: return .signed(Int64(Int16(bitPattern: try cursor.readUInt16())))
        case 4: return .unsigned(UInt64(try cursor.readUInt32()))
        case 5: return .signed(Int64(Int32(bitPattern: try cursor.readUInt32())))
        case 6: return .float(Double(Float(bitPattern: try cursor.readUInt32())))
        case 7:
            let byte = try cursor.readUInt8()
            guard byte <= 1 else { throw GGUFHeader.Failure.malformed("a Boolean holds \(byte), not 0 or 1") }
            return .bool(byte == 1)
        case 10: return .unsigned(try cursor.readUInt64())
        case 11: return .signed(Int64(bitPattern: try cursor.readUInt64()))
        default: return .float(Double(bitPattern: try cursor.readUInt64()))
        }
    }

    /// The byte width of a scalar type, or nil for strings, arrays and unknown types.
    static func fixedWidth(_ type: UInt32) -> Int? {
        switch type {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 10, 11, 12: return 8
        default: return nil
        }
    }
}
