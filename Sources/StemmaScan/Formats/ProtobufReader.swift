/// A bounded reader of the protobuf wire format, for the few messages Stemma decodes (TensorFlow SavedModel,
/// ONNX). It reads through an ``InputWindow``, so a 2 GB ONNX file with inline weights costs only the bytes of the
/// fields that are looked at: payloads that are not descended into are skipped by their length.
///
/// Bounds: a varint has at most 10 bytes (and fits 64 bits), every length lies inside the enclosing message, and
/// messages nest at most ``maxDepth`` deep. Groups (wire types 3 and 4) are refused: neither format uses them.
struct ProtobufReader {
    /// One field: its number, wire type, and either a scalar or the span of its payload.
    struct Field {
        let number: Int
        let wireType: UInt8
        /// The varint or fixed value (wire types 0, 1, 5).
        let scalar: UInt64
        /// Where the payload of a length-delimited field starts (wire type 2).
        let start: Int
        /// The payload length (wire type 2).
        let length: Int

        var isLengthDelimited: Bool { wireType == 2 }
    }

    /// How deep messages may nest (ONNX subgraphs inside attributes inside nodes…).
    static let maxDepth = 100

    let window: InputWindow
    private(set) var position: Int
    let end: Int
    let depth: Int
    /// A length that ran past the message: the truncated payload is still handed out (so that what it holds is
    /// inspected, and a dangerous op in a cut-off file is still reported), and the next call fails.
    private var overrun: FormatFailure?

    /// A reader over the whole of `window`.
    init(_ window: InputWindow) {
        self.init(window: window, start: 0, end: window.count, depth: 0)
    }

    private init(window: InputWindow, start: Int, end: Int, depth: Int) {
        self.window = window
        self.position = start
        self.end = end
        self.depth = depth
    }

    /// The next field, or nil at the end of the message.
    mutating func next() throws(FormatFailure) -> Field? {
        if let overrun { throw overrun }
        guard position < end else { return nil }
        let tagOffset = position
        let tag = try readVarint()
        let number = tag >> 3
        let wireType = UInt8(tag & 7)
        guard number > 0, number <= 0x1FFF_FFFF else {
            throw .malformed("protobuf field number \(number) is invalid", offset: tagOffset)
        }
        switch wireType {
        case 0:
            return Field(number: Int(number), wireType: 0, scalar: try readVarint(), start: position, length: 0)
        case 1, 5:
            let width = wireType == 1 ? 8 : 4
            guard width <= end - position else {
                throw .malformed("a fixed-width field runs past its message", offset: position)
            }
            var value: UInt64 = 0
            for index in 0..<width {
                guard let byte = try window.byte(at: position + index) else { throw .malformed("the file ended early") }
                value |= UInt64(byte) << (8 * UInt64(index))
            }
            position += width
            return Field(number: Int(number), wireType: wireType, scalar: value, start: position - width, length: width)
        case 2:
            let declared = try readVarint()
            let start = position
            var length = end - position
            if declared <= UInt64(length) {
                length = Int(declared)
            } else {
                overrun = .malformed("a length of \(declared) runs past its message", offset: tagOffset)
            }
            position += length
            return Field(number: Int(number), wireType: 2, scalar: 0, start: start, length: length)
        default:
            throw .malformed("protobuf wire type \(wireType) is not allowed here", offset: tagOffset)
        }
    }

    /// A reader over the payload of a length-delimited field, one level deeper.
    func message(_ field: Field) throws(FormatFailure) -> ProtobufReader {
        guard field.isLengthDelimited else {
            throw .malformed(
                "field \(field.number) should be a message but has wire type \(field.wireType)", offset: field.start)
        }
        guard depth < Self.maxDepth else { throw .incomplete("protobuf messages nest deeper than \(Self.maxDepth)") }
        return ProtobufReader(window: window, start: field.start, end: field.start + field.length, depth: depth + 1)
    }

    /// The payload bytes of a length-delimited field, refusing payloads longer than `limit`.
    func bytes(_ field: Field, limit: Int) throws(FormatFailure) -> [UInt8] {
        guard field.isLengthDelimited else {
            throw .malformed(
                "field \(field.number) should be bytes but has wire type \(field.wireType)", offset: field.start)
        }
        guard field.length <= limit else {
            throw .incomplete("a \(field.length)-byte string field is longer than the \(limit)-byte bound")
        }
        return try window.bytes(at: field.start, count: field.length)
    }

    /// The payload of a length-delimited field as text (invalid UTF-8 replaced), at most `limit` bytes.
    func string(_ field: Field, limit: Int = 1 << 20) throws(FormatFailure) -> String {
        String(decoding: try bytes(field, limit: limit), as: UTF8.self)
    }

    /// The first byte of a length-delimited payload that is not JSON whitespace, or nil.
    func firstSignificantByte(_ field: Field) throws(FormatFailure) -> UInt8? {
        var offset = field.start
        while offset < field.start + field.length, offset < field.start + 64 {
            guard let byte = try window.byte(at: offset) else { return nil }
            if ![0x20, 0x09, 0x0A, 0x0D].contains(byte) { return byte }
            offset += 1
        }
        return nil
    }

    private mutating func readVarint() throws(FormatFailure) -> UInt64 {
        var value: UInt64 = 0
        for index in 0..<10 {
            guard position < end, let byte = try window.byte(at: position) else {
                throw .malformed("a varint runs past its message", offset: position)
            }
            position += 1
            if index == 9, byte > 1 { throw .malformed("a varint overflows 64 bits", offset: position - 1) }
            value |= UInt64(byte & 0x7F) << (7 * UInt64(index))
            if byte & 0x80 == 0 { return value }
        }
        throw .malformed("a varint is longer than 10 bytes", offset: position)
    }
}
