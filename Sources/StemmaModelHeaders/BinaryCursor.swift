/// A bounds-checked reader of fixed-width integers and byte runs from an untrusted buffer.
///
/// Every read checks the remaining bytes first and fails with ``OutOfBounds`` instead of trapping, and every
/// length taken from the input is compared with what is left *before* anything is allocated, so a hostile
/// length field costs nothing. Integers are little-endian unless the cursor is created big-endian.
public struct BinaryCursor: Sendable {
    /// A read past the end of the buffer: where it started and how many bytes it wanted.
    public struct OutOfBounds: Error, Sendable, Equatable {
        /// The offset the read started at.
        public let offset: Int
        /// The bytes the read needed, as the input declared them (may exceed `Int.max`).
        public let needed: UInt64

        /// The smallest buffer length at which this read would have succeeded, saturating at `Int.max`.
        public var requiredLength: Int {
            let (sum, overflow) = UInt64(offset).addingReportingOverflow(needed)
            return overflow || sum > UInt64(Int.max) ? Int.max : Int(sum)
        }
    }

    private let bytes: [UInt8]
    /// The offset of the next byte to read.
    public private(set) var offset: Int
    /// Whether multi-byte integers are stored most significant byte first.
    public var bigEndian: Bool

    /// Creates a cursor at `offset` (clamped to the buffer).
    public init(_ bytes: [UInt8], offset: Int = 0, bigEndian: Bool = false) {
        self.bytes = bytes
        self.offset = min(max(0, offset), bytes.count)
        self.bigEndian = bigEndian
    }

    /// The bytes not yet read.
    public var remaining: Int { bytes.count - offset }

    /// Fails unless `count` more bytes are available.
    public func require(_ count: UInt64) throws(OutOfBounds) {
        guard count <= UInt64(remaining) else { throw OutOfBounds(offset: offset, needed: count) }
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: UInt64) throws(OutOfBounds) {
        try require(count)
        offset += Int(count)
    }

    /// Reads `count` bytes.
    public mutating func readBytes(_ count: UInt64) throws(OutOfBounds) -> ArraySlice<UInt8> {
        try require(count)
        let start = offset
        offset += Int(count)
        return bytes[start..<offset]
    }

    /// Reads one byte.
    public mutating func readUInt8() throws(OutOfBounds) -> UInt8 {
        try require(1)
        defer { offset += 1 }
        return bytes[offset]
    }

    /// Reads a 16-bit unsigned integer.
    public mutating func readUInt16() throws(OutOfBounds) -> UInt16 { UInt16(truncatingIfNeeded: try readInteger(2)) }

    /// Reads a 32-bit unsigned integer.
    public mutating func readUInt32() throws(OutOfBounds) -> UInt32 { UInt32(truncatingIfNeeded: try readInteger(4)) }

    /// Reads a 64-bit unsigned integer.
    public mutating func readUInt64() throws(OutOfBounds) -> UInt64 { try readInteger(8) }

    private mutating func readInteger(_ width: Int) throws(OutOfBounds) -> UInt64 {
        try require(UInt64(width))
        var value: UInt64 = 0
        for index in 0..<width {
            let byte = UInt64(bytes[offset + (bigEndian ? index : width - 1 - index)])
            value = value << 8 | byte
        }
        offset += width
        return value
    }
}
