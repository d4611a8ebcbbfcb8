/// Bounds-checked little-endian reads over bytes that came from a hostile file: every read returns nil past the end.
public struct ByteCursor {
    /// The bytes read.
    public let bytes: [UInt8]
    /// The next byte to read.
    public var position: Int

    /// A cursor over `bytes` starting at `position`.
    public init(_ bytes: [UInt8], at position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Bytes left after the position (0 past the end).
    public var remaining: Int { max(0, bytes.count - position) }

    /// The next byte, or nil at the end.
    public mutating func u8() -> UInt8? {
        guard position >= 0, position < bytes.count else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    /// The next 2, 4 or 8 bytes as a little-endian integer, or nil when fewer remain.
    public mutating func u16() -> UInt16? { integer(2).map { UInt16(truncatingIfNeeded: $0) } }
    /// See ``u16()``.
    public mutating func u32() -> UInt32? { integer(4).map { UInt32(truncatingIfNeeded: $0) } }
    /// See ``u16()``.
    public mutating func u64() -> UInt64? { integer(8) }

    /// The next `count` bytes, or nil when fewer remain.
    public mutating func take(_ count: Int) -> [UInt8]? {
        guard count >= 0, position >= 0, count <= remaining else { return nil }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Skips `count` bytes; false (and no move) when fewer remain.
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, count <= remaining else { return false }
        position += count
        return true
    }

    private mutating func integer(_ size: Int) -> UInt64? {
        guard position >= 0, size <= remaining else { return nil }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += size
        return value
    }
}

extension UInt64 {
    /// The value as an `Int` when it fits, for sizes and offsets read from files.
    public var clampedInt: Int? { self <= UInt64(Int.max) ? Int(self) : nil }
}
