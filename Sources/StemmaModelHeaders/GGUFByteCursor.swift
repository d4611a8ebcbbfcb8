/// The reads ``GGUFMetadataReader`` makes, so one GGUF parser serves both callers: ``BinaryCursor`` over a
/// buffer (the inventory's growing prefix of a file) and `stemma scan`'s cursor over a small window of a file.
///
/// A read past what the cursor holds throws the cursor's own error, which the reader hands back unchanged
/// (``GGUFMetadataFailure/source(_:)``): for a prefix that means "read more", for a whole file "malformed".
public protocol GGUFByteCursor {
    /// The offset of the next byte to read.
    var offset: Int { get }
    /// Whether multi-byte integers are stored most significant byte first; the reader sets it from the version.
    var bigEndian: Bool { get set }
    /// Reads one byte.
    mutating func readUInt8() throws -> UInt8
    /// Reads a 32-bit unsigned integer.
    mutating func readUInt32() throws -> UInt32
    /// Reads a 64-bit unsigned integer.
    mutating func readUInt64() throws -> UInt64
    /// Reads `count` bytes; the caller has bounded `count`.
    mutating func readByteRun(_ count: UInt64) throws -> [UInt8]
    /// Skips `count` bytes without reading them.
    mutating func skip(_ count: UInt64) throws
}

extension BinaryCursor: GGUFByteCursor {
    public mutating func readByteRun(_ count: UInt64) throws -> [UInt8] { Array(try readBytes(count)) }
}
