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
/// The pairs are read by ``GGUFMetadataReader``, the parser `stemma scan` uses too, so the two agree on every
/// type, length and bound; a hostile header fails with a reason instead of allocating or trapping. Values of
/// keys outside `general.`, `adapter.`, `imatrix.` and `split.` (tokenizer vocabularies, hyper-parameters) are
/// checked and skipped, not kept.
public struct GGUFHeader: Sendable {
    /// Why a header could not be parsed.
    public enum Failure: Error, Sendable, Equatable {
        /// The bytes end before the metadata does; the whole metadata needs at least `requiredLength` bytes.
        case truncated(requiredLength: Int)
        /// The header breaks the format.
        case malformed(String)
        /// A bound Stemma sets was reached (``maxStringBytes``, ``maxKeptArrayCount``, ``maxHeaderBytes``): the
        /// file may be valid but was not read in full.
        case limit(String)
    }

    /// The most bytes the metadata section may take: 64 MiB.
    public static let maxHeaderBytes = 64 << 20
    /// The longest string value that is kept or inspected (chat templates included); skipped strings (a whole
    /// `tokenizer.huggingface.json`) are bounded only by ``maxHeaderBytes``.
    public static let maxStringBytes = 4 << 20
    /// The longest key; llama.cpp's longest are under 100 bytes.
    public static let maxKeyBytes = 65_535
    /// The deepest nesting of arrays.
    public static let maxArrayDepth = 4
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
    /// - Throws: ``Failure/truncated(requiredLength:)`` when more bytes are needed, ``Failure/limit(_:)`` at a
    ///   bound, ``Failure/malformed(_:)`` for anything else wrong.
    public static func parse(_ bytes: [UInt8]) throws(Failure) -> GGUFHeader {
        do {
            var reader = try GGUFMetadataReader(BinaryCursor(bytes))
            var metadata: [String: GGUFValue] = [:]
            while let (key, _) = try reader.nextKey() {
                let keep = ["general.", "adapter.", "imatrix.", "split."].contains { key.hasPrefix($0) }
                if let value = try reader.value(keep: keep) { metadata[key] = value }
            }
            return GGUFHeader(
                version: reader.version, bigEndian: reader.cursor.bigEndian, tensorCount: reader.tensorCount,
                metadata: metadata, metadataEnd: reader.metadataEnd)
        } catch {
            switch error {
            case .source(let outOfBounds as BinaryCursor.OutOfBounds):
                throw .truncated(requiredLength: outOfBounds.requiredLength)
            case .source(let other): throw .malformed("unexpected error \(other)")
            case .malformed(let reason, _): throw .malformed(reason)
            case .limit(let reason): throw .limit(reason)
            }
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
