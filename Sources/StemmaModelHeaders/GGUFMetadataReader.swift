/// Why GGUF metadata could not be read.
public enum GGUFMetadataFailure: Error {
    /// The bytes break the format (or a bound no honest file reaches); `offset` is where, when known.
    case malformed(String, offset: Int?)
    /// A bound Stemma sets was reached (the metadata size, a kept string or array): the file may be valid, it was
    /// not read in full.
    case limit(String)
    /// The cursor could not read: past the end of the bytes it holds, or the file could not be read.
    case source(any Error)
}

/// The one GGUF metadata parser: the preamble (magic, version, counts) and the key-value pairs, read through a
/// ``GGUFByteCursor``, so `stemma scan` and the inventory decide value types, lengths, counts and bounds alike.
///
/// The caller walks the pairs: ``nextKey()`` gives each key and type, then the caller reads the value with
/// ``value(keep:)`` or, for text it inspects (chat templates), ``readStrings(_:)``. Every length is checked
/// before it is used: keys up to ``GGUFHeader/maxKeyBytes``, strings the caller reads up to
/// ``GGUFHeader/maxStringBytes``, kept arrays up to ``GGUFHeader/maxKeptArrayCount`` elements, arrays nested at
/// most ``GGUFHeader/maxArrayDepth`` deep, the whole metadata within ``GGUFHeader/maxHeaderBytes``. Duplicate
/// keys and a `general.alignment` that is not a UINT32 power of two are malformed, as llama.cpp has them.
public struct GGUFMetadataReader<Cursor: GGUFByteCursor> {
    /// The cursor, just past the last pair once ``nextKey()`` returned nil (where tensor infos start).
    public private(set) var cursor: Cursor
    /// The format version (1, 2 or 3).
    public let version: UInt32
    /// The declared number of tensors and of key-value pairs.
    public let tensorCount: UInt64
    public let pairCount: UInt64
    /// Whether a version 2 or 3 file wrote 32-bit counts (one 64-bit field whose high half is set): some old
    /// writers did; llama.cpp reads the field as one count and refuses the file.
    public let narrowCounts: Bool
    /// Whether string lengths and array counts are 64-bit (version 2 and later).
    public let wideLengths: Bool
    /// The tensor data alignment: `general.alignment` once read, 32 otherwise.
    public private(set) var alignment: UInt64 = 32

    private var keys: Set<String> = []
    private var pairsRead: UInt64 = 0
    private var currentKey = ""
    private var currentType: UInt32?

    /// Reads the preamble: magic, version (either byte order) and the two counts.
    public init(_ cursor: Cursor) throws(GGUFMetadataFailure) {
        self.cursor = cursor
        guard try Self.read(&self.cursor, { try $0.readByteRun(4) }) == Array("GGUF".utf8) else {
            throw .malformed("no GGUF magic", offset: 0)
        }
        let raw = try Self.read(&self.cursor, { try $0.readUInt32() })
        self.cursor.bigEndian = !(1...3).contains(raw) && (1...3).contains(raw.byteSwapped)
        version = self.cursor.bigEndian ? raw.byteSwapped : raw
        guard (1...3).contains(version) else { throw .malformed("unsupported GGUF version \(raw)", offset: 4) }
        wideLengths = version >= 2
        if version == 1 {
            tensorCount = UInt64(try Self.read(&self.cursor, { try $0.readUInt32() }))
            pairCount = UInt64(try Self.read(&self.cursor, { try $0.readUInt32() }))
            narrowCounts = false
        } else {
            let first = try Self.read(&self.cursor, { try $0.readUInt64() })
            narrowCounts = first >> 32 != 0
            if narrowCounts {
                let big = self.cursor.bigEndian
                tensorCount = big ? first >> 32 : first & 0xFFFF_FFFF
                pairCount = big ? first & 0xFFFF_FFFF : first >> 32
            } else {
                tensorCount = first
                pairCount = try Self.read(&self.cursor, { try $0.readUInt64() })
            }
        }
        // The smallest pair is 13 bytes (empty key, type, one-byte value).
        guard pairCount <= UInt64(GGUFHeader.maxHeaderBytes / 13) else {
            throw .malformed(
                "metadata count \(pairCount) cannot fit in \(GGUFHeader.maxHeaderBytes) bytes",
                offset: self.cursor.offset - 8)
        }
    }

    /// The offset just past the last pair read.
    public var metadataEnd: Int { cursor.offset }

    /// The next pair's key and value type, or nil after the last pair. The value must be read (``value(keep:)``
    /// or ``readStrings(_:)``) before the next call.
    public mutating func nextKey() throws(GGUFMetadataFailure) -> (key: String, type: UInt32)? {
        if currentType != nil { _ = try value(keep: false) }
        guard cursor.offset <= GGUFHeader.maxHeaderBytes else {
            throw .limit("the metadata is longer than the \(GGUFHeader.maxHeaderBytes)-byte limit")
        }
        guard pairsRead < pairCount else { return nil }
        pairsRead += 1
        let start = cursor.offset
        let length = try readLength()
        guard length <= UInt64(GGUFHeader.maxKeyBytes) else {
            throw .malformed(
                "a key of \(length) bytes exceeds the \(GGUFHeader.maxKeyBytes)-byte limit", offset: start)
        }
        let key = String(decoding: try read { try $0.readByteRun(length) }, as: UTF8.self)
        guard keys.insert(key).inserted else { throw .malformed("duplicate key '\(key)'", offset: start) }
        let typeOffset = cursor.offset
        let type = try read { try $0.readUInt32() }
        guard type <= 12 else {
            throw .malformed("key '\(key)' has unknown value type \(type)", offset: typeOffset)
        }
        if key == "general.alignment" && type != 4 {
            throw .malformed("general.alignment is type \(type), not UINT32", offset: typeOffset)
        }
        currentKey = key
        currentType = type
        return (key, type)
    }

    /// Reads the current pair's value; nil when `keep` is false (the bytes are still checked and skipped).
    public mutating func value(keep: Bool) throws(GGUFMetadataFailure) -> GGUFValue? {
        guard let type = currentType else { return nil }
        currentType = nil
        if currentKey == "general.alignment" {
            let offset = cursor.offset
            let value = UInt64(try read { try $0.readUInt32() })
            guard value > 0, value & (value - 1) == 0 else {
                throw .malformed("general.alignment \(value) is not a power of two", offset: offset)
            }
            alignment = value
            return keep ? .unsigned(value) : nil
        }
        return try readValue(type: type, keep: keep, depth: 0)
    }

    /// Reads the current pair's value as text to inspect: `visit` gets each string (a STRING, or each element of
    /// an ARRAY of STRING) with the offset of its first byte; a value of any other type is skipped.
    public mutating func readStrings(_ visit: (Int, [UInt8]) -> Void) throws(GGUFMetadataFailure) {
        guard let type = currentType else { return }
        if type == 8 {
            currentType = nil
            let (offset, bytes) = try readStringBytes()
            return visit(offset, bytes)
        }
        guard type == 9 else {
            _ = try value(keep: false)
            return
        }
        currentType = nil
        let elementType = try read { try $0.readUInt32() }
        let countOffset = cursor.offset
        let count = try readLength()
        guard elementType == 8 else { return try skipElements(elementType, count: count, depth: 1, at: countOffset) }
        guard count <= UInt64(GGUFHeader.maxHeaderBytes) / lengthWidth else {
            throw .malformed("an array of \(count) strings cannot fit in the metadata", offset: countOffset)
        }
        for _ in 0..<count {
            let (offset, bytes) = try readStringBytes()
            visit(offset, bytes)
        }
    }

    private var lengthWidth: UInt64 { wideLengths ? 8 : 4 }

    /// A string the caller keeps or inspects: bounded by ``GGUFHeader/maxStringBytes``.
    private mutating func readStringBytes() throws(GGUFMetadataFailure) -> (Int, [UInt8]) {
        let start = cursor.offset
        let length = try readLength()
        guard length <= UInt64(GGUFHeader.maxHeaderBytes) else {
            throw .malformed("a string of \(length) bytes exceeds the metadata bound", offset: start)
        }
        guard length <= UInt64(GGUFHeader.maxStringBytes) else {
            try read { try $0.skip(length) }  // a string past the end is malformed (or truncated) first
            throw .limit("a string of \(length) bytes exceeds the \(GGUFHeader.maxStringBytes)-byte limit")
        }
        let offset = cursor.offset
        return (offset, try read { try $0.readByteRun(length) })
    }

    private mutating func readValue(type: UInt32, keep: Bool, depth: Int) throws(GGUFMetadataFailure) -> GGUFValue? {
        if let width = GGUFHeader.fixedWidth(type) {
            guard keep else {
                try read { try $0.skip(UInt64(width)) }
                return nil
            }
            return try readScalar(type: type)
        }
        switch type {
        case 8:
            guard keep else {
                let start = cursor.offset
                let length = try readLength()
                guard length <= UInt64(GGUFHeader.maxHeaderBytes) else {
                    throw .malformed("a string of \(length) bytes exceeds the metadata bound", offset: start)
                }
                try read { try $0.skip(length) }
                return nil
            }
            return .string(String(decoding: try readStringBytes().1, as: UTF8.self))
        case 9:
            let elementType = try read { try $0.readUInt32() }
            let countOffset = cursor.offset
            let count = try readLength()
            guard keep else {
                try skipElements(elementType, count: count, depth: depth + 1, at: countOffset)
                return nil
            }
            return try readArray(elementType, count: count, depth: depth + 1, at: countOffset)
        default:
            throw .malformed("unknown value type \(type)", offset: cursor.offset - 4)
        }
    }

    private mutating func checkArray(
        _ elementType: UInt32, count: UInt64, depth: Int, at offset: Int
    ) throws(GGUFMetadataFailure) {
        guard depth <= GGUFHeader.maxArrayDepth else {
            throw .malformed("arrays nested deeper than \(GGUFHeader.maxArrayDepth)", offset: offset)
        }
        guard elementType <= 12 else { throw .malformed("unknown array element type \(elementType)", offset: offset) }
        // Every element takes at least one byte, so a count past the metadata bound cannot be honest.
        guard count <= UInt64(GGUFHeader.maxHeaderBytes) else {
            throw .malformed("an array of \(count) elements cannot fit in the metadata", offset: offset)
        }
    }

    private mutating func skipElements(
        _ elementType: UInt32, count: UInt64, depth: Int, at offset: Int
    ) throws(GGUFMetadataFailure) {
        try checkArray(elementType, count: count, depth: depth, at: offset)
        if let width = GGUFHeader.fixedWidth(elementType) {
            return try read { try $0.skip(count * UInt64(width)) }  // count ≤ 64 Mi, width ≤ 8: no overflow
        }
        for _ in 0..<count { _ = try readValue(type: elementType, keep: false, depth: depth) }
    }

    private mutating func readArray(
        _ elementType: UInt32, count: UInt64, depth: Int, at offset: Int
    ) throws(GGUFMetadataFailure) -> GGUFValue {
        try checkArray(elementType, count: count, depth: depth, at: offset)
        guard count <= UInt64(GGUFHeader.maxKeptArrayCount) else {
            throw .limit(
                "an array of \(count) elements under '\(currentKey)' exceeds the \(GGUFHeader.maxKeptArrayCount)-element limit"
            )
        }
        var elements: [GGUFValue] = []
        for _ in 0..<count {
            if let element = try readValue(type: elementType, keep: true, depth: depth) { elements.append(element) }
        }
        return .array(elements)
    }

    private mutating func readScalar(type: UInt32) throws(GGUFMetadataFailure) -> GGUFValue {
        switch type {
        case 0: return .unsigned(UInt64(try read { try $0.readUInt8() }))
        case 1: return .signed(Int64(Int8(bitPattern: try read { try $0.readUInt8() })))
        case 2: return .unsigned(try readInteger(2))
        case 3: return .signed(Int64(Int16(truncatingIfNeeded: try readInteger(2))))
        case 4: return .unsigned(UInt64(try read { try $0.readUInt32() }))
        case 5: return .signed(Int64(Int32(bitPattern: try read { try $0.readUInt32() })))
        case 6: return .float(Double(Float(bitPattern: try read { try $0.readUInt32() })))
        case 7:
            let byte = try read { try $0.readUInt8() }
            guard byte <= 1 else {
                throw .malformed("a Boolean holds \(byte), not 0 or 1", offset: cursor.offset - 1)
            }
            return .bool(byte == 1)
        case 10: return .unsigned(try read { try $0.readUInt64() })
        case 11: return .signed(Int64(bitPattern: try read { try $0.readUInt64() }))
        default: return .float(Double(bitPattern: try read { try $0.readUInt64() }))
        }
    }

    /// A 16-bit integer from two bytes (the cursor protocol reads 8, 32 and 64 bits).
    private mutating func readInteger(_ width: Int) throws(GGUFMetadataFailure) -> UInt64 {
        let bytes = try read { try $0.readByteRun(UInt64(width)) }
        let ordered = cursor.bigEndian ? bytes : bytes.reversed()
        return ordered.reduce(0) { $0 << 8 | UInt64($1) }
    }

    private mutating func readLength() throws(GGUFMetadataFailure) -> UInt64 {
        wideLengths ? try read { try $0.readUInt64() } : UInt64(try read { try $0.readUInt32() })
    }

    /// Runs one cursor read, handing its error back as ``GGUFMetadataFailure/source(_:)``.
    private mutating func read<T>(_ body: (inout Cursor) throws -> T) throws(GGUFMetadataFailure) -> T {
        try Self.read(&cursor, body)
    }

    private static func read<T>(_ cursor: inout Cursor, _ body: (inout Cursor) throws -> T) throws(GGUFMetadataFailure)
        -> T
    {
        do { return try body(&cursor) } catch { throw .source(error) }
    }
}
