import StemmaModelHeaders

/// A little-endian (or big-endian) reader of fixed-width integers on top of an ``InputWindow``; the cursor the
/// shared GGUF metadata parser reads a scanned file through.
struct InputCursor: GGUFByteCursor {
    let window: InputWindow
    var offset: Int
    var bigEndian = false

    init(_ window: InputWindow, offset: Int = 0, bigEndian: Bool = false) {
        self.window = window
        self.offset = offset
        self.bigEndian = bigEndian
    }

    var remaining: Int { max(0, window.count - offset) }

    mutating func readUInt8() throws(FormatFailure) -> UInt8 {
        guard let byte = try window.byte(at: offset) else { throw .malformed("the file ended early", offset: offset) }
        offset += 1
        return byte
    }

    mutating func readUInt32() throws(FormatFailure) -> UInt32 { UInt32(truncatingIfNeeded: try readInteger(4)) }

    mutating func readUInt64() throws(FormatFailure) -> UInt64 { try readInteger(8) }

    mutating func readInteger(_ width: Int) throws(FormatFailure) -> UInt64 {
        guard let value = try window.integer(at: offset, width: width, bigEndian: bigEndian) else {
            throw .malformed("the file ended early", offset: offset)
        }
        offset += width
        return value
    }

    /// Skips `count` bytes, failing when fewer remain.
    mutating func skip(_ count: UInt64) throws(FormatFailure) {
        guard count <= UInt64(remaining) else {
            throw .malformed("a length of \(count) bytes runs past the end of the file", offset: offset)
        }
        offset += Int(count)
    }

    /// Reads `count` bytes, failing when fewer remain.
    mutating func readBytes(_ count: UInt64) throws(FormatFailure) -> [UInt8] {
        guard count <= UInt64(remaining) else {
            throw .malformed("a length of \(count) bytes runs past the end of the file", offset: offset)
        }
        let bytes = try window.bytes(at: offset, count: Int(count))
        offset += Int(count)
        return bytes
    }
}

extension InputCursor {
    mutating func readByteRun(_ count: UInt64) throws(FormatFailure) -> [UInt8] { try readBytes(count) }
}
