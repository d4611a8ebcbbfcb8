import StemmaCore

// Opcode arguments: text lines (protocol 0), length-prefixed payloads, and the protocol and frame headers.
// Payloads are skipped, not copied; only a name-sized head is kept, and constants that look like pickles are
// handed to the nested scan.
extension PickleMachine {
    /// How a length-prefixed payload is decoded by Python 3's default unpickler.
    enum PayloadKind {
        /// BINSTRING, SHORT_BINSTRING: bytes decoded to `str` with the loader's encoding.
        case byteString
        /// BINUNICODE*: UTF-8 `str`.
        case unicode
        /// BINBYTES*, BYTEARRAY8.
        case bytes
    }

    /// The most bytes of an escaped protocol 0 string decoded to look for a nested pickle in it.
    static let decodedLimit = 1 << 20

    /// An unsigned length argument; lengths past `Int.max` are clamped (and then fail as truncated).
    mutating func unsignedLength(_ width: Int) throws(PickleFault) -> Int {
        let value = try reader.unsigned(width)
        return value > UInt64(Int.max) ? Int.max : Int(value)
    }

    mutating func signedLength(_ width: Int, _ message: String) throws(PickleFault) -> Int {
        let value = Int32(truncatingIfNeeded: try reader.unsigned(width))
        guard value >= 0 else { throw .badArgument(message) }
        return Int(value)
    }

    /// A length-prefixed payload: skipped, with its text kept when it is name-sized.
    mutating func payload(_ length: Int, as kind: PayloadKind) throws(PickleFault) -> PickleValue {
        guard length <= reader.remaining else { throw .truncated }
        let start = reader.position
        var value = PickleValue.bytes
        if kind != .bytes {
            if length <= PickleValue.nameLimit {
                value = .text(try reader.withBytes(length) { String(decoding: $0, as: UTF8.self) })
            } else {
                value = .longText
            }
        }
        if length >= 8 { try sniffPayload(at: start, length: length, kind: kind) }
        if kind == .unicode {
            guard try reader.skipUTF8(length) else { throw .badArgument("a str that is not UTF-8") }
        } else {
            try reader.skip(length)
        }
        return value
    }

    // MARK: lines

    /// INT and LONG: a Python integer literal; INT `00` / `01` are False / True.
    mutating func integerLine(allowLongSuffix: Bool) throws(PickleFault) -> PickleValue {
        let line = try reader.line(keep: 4096)
        guard line.length <= 4096 else { return .int(nil) }  // a huge literal: only its value is unknown
        var bytes = line.bytes
        if !allowLongSuffix && (bytes == [0x30, 0x30] || bytes == [0x30, 0x31]) { return .bool }
        if allowLongSuffix && bytes.count > 1 && bytes.last == UInt8(ascii: "L") { bytes.removeLast() }
        guard PickleLiterals.isInteger(bytes, allowStrtol: !allowLongSuffix) else {
            throw .badArgument("an integer line that is not a number")
        }
        return .int(allowLongSuffix ? nil : Int64(String(decoding: bytes, as: UTF8.self).trimmedWhitespace))
    }

    /// LONG1: a little-endian two's-complement integer of up to 255 bytes; its value is kept when it fits.
    mutating func long1() throws(PickleFault) -> PickleValue {
        let count = Int(try reader.unsigned(1))
        guard count > 0 && count <= 8 else {
            try reader.skip(count)
            return .int(count == 0 ? 0 : nil)
        }
        let raw = try reader.unsigned(count)
        guard count < 8 else { return .int(Int64(bitPattern: raw)) }
        let signBit = UInt64(1) << (8 * count - 1)
        return .int(raw & signBit == 0 ? Int64(raw) : Int64(raw) - Int64(signBit << 1))
    }

    /// GET and PUT keys: a decimal integer line.
    mutating func lineInteger() throws(PickleFault) -> Int {
        let line = try reader.line(keep: 32)
        let text = Substring(String(decoding: line.bytes, as: UTF8.self).trimmedWhitespace)
        guard line.length <= 32, let value = Int(text) else { throw .badArgument("a memo key that is not a number") }
        return value
    }

    mutating func floatLine() throws(PickleFault) {
        let line = try reader.line(keep: 64)
        guard line.length <= 64, PickleLiterals.isFloat(line.bytes) else {
            throw .badArgument("a float line that is not a number")
        }
    }

    /// STRING: a quoted, backslash-escaped line (`PyBytes_DecodeEscape`).
    mutating func quotedStringLine() throws(PickleFault) -> PickleValue {
        let line = try reader.line(keep: PickleMachine.decodedLimit)
        let bytes = line.bytes
        let lastOffset = reader.position - 2  // the byte before the newline
        let last = reader.bufferedByte(at: lastOffset) ?? (try? reader.input.bytes(at: lastOffset, count: 1))?.first
        guard line.length >= 2, let quote = bytes.first, quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""),
            last == quote
        else { throw .badArgument("the STRING opcode argument must be quoted") }
        guard line.length <= PickleMachine.decodedLimit else {
            if bytes.count > 4 && (bytes[1] == UInt8(ascii: "\\") || PickleMachine.startsProtocol0(bytes[1])) {
                note(.scanIncomplete, .malformed, "a STRING constant over 1 MiB was not checked for a nested pickle")
            }
            return .longText
        }
        guard let decoded = PickleEscapes.decodeEscapes(bytes[1..<bytes.count - 1]) else {
            throw .badArgument("a STRING with an invalid escape")
        }
        try sniffDecoded(decoded)
        return decoded.count <= PickleValue.nameLimit ? .text(String(decoding: decoded, as: UTF8.self)) : .longText
    }

    /// UNICODE: a raw-unicode-escape line.
    mutating func rawUnicodeLine() throws(PickleFault) -> PickleValue {
        let line = try reader.line(keep: PickleMachine.decodedLimit)
        guard line.length <= PickleMachine.decodedLimit else {
            if let first = line.bytes.first,
                first == UInt8(ascii: "\\") || first >= 0x80 || PickleMachine.startsProtocol0(first)
            {
                note(.scanIncomplete, .malformed, "a UNICODE constant over 1 MiB was not checked for a nested pickle")
            }
            return .longText
        }
        guard let scalars = PickleEscapes.decodeRawUnicodeEscape(line.bytes) else {
            throw .badArgument("a UNICODE line with an invalid escape")
        }
        if scalars.allSatisfy({ $0 <= 0xFF }) { try sniffDecoded(scalars.map { UInt8($0) }) }
        var text = String.UnicodeScalarView()
        for scalar in scalars.prefix(PickleValue.nameLimit + 1) {
            text.append(Unicode.Scalar(scalar) ?? "\u{FFFD}")
        }
        let string = String(text)
        return string.utf8.count <= PickleValue.nameLimit ? .text(string) : .longText
    }

    // MARK: headers

    mutating func declareProtocol(_ version: Int) throws(PickleFault) {
        guard version <= 5 else { throw .badArgument("unsupported pickle protocol \(version)") }
        if sawProtocol {
            note(.pickleProtocolAnomaly, .suspicious, "PROTO is declared a second time in one pickle")
        } else if opcodeOffset != pickleStart && version >= 2 {
            note(.pickleProtocolAnomaly, .suspicious, "PROTO \(version) is not the first opcode of its pickle")
        }
        sawProtocol = true
        protocolVersion = version
    }

    /// FRAME only groups opcodes; a frame longer than the data is noted and the opcodes are read anyway, as the
    /// pure-Python unpickler would.
    mutating func frame() throws(PickleFault) {
        let length = try unsignedLength(8)
        if length > reader.remaining {
            note(.scanMalformed, .malformed, "a FRAME claims \(length) bytes, more than the data holds")
        }
    }
}
