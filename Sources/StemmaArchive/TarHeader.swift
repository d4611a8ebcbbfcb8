/// One 512-byte tar header block, parsed strictly: every field is read the way GNU tar, bsdtar and Python's
/// `tarfile` all read it, and a field they would read differently is an error naming the difference.
struct TarHeader {
    /// The header formats, by their magic.
    enum Format: Equatable {
        /// POSIX ustar or pax: `ustar\0` + `00`; the prefix field extends the name.
        case ustar
        /// GNU: `ustar  \0`; bytes 345… hold times and the old sparse map, never a prefix.
        case gnu
        /// Version 7: no magic at all.
        case v7
    }

    static let blockSize = 512

    var format: Format
    /// The name: `prefix/name` for ustar, else the name field, each up to its first NUL.
    var name: [UInt8]
    var linkName: [UInt8]
    var size: Int64
    var typeflag: UInt8
    /// The whole block, for the old GNU sparse map.
    var block: [UInt8]

    /// Parses `block` (512 bytes).
    /// - Returns: the header, or a sentence saying what readers would disagree on.
    static func parse(_ block: [UInt8]) -> Result<TarHeader, HeaderError> {
        guard checksumMatches(block) else { return .failure(.checksum) }
        let magic = Array(block[257..<265])
        let format: Format
        if magic == Array("ustar\u{0}00".utf8) {
            format = .ustar
        } else if magic == Array("ustar  \u{0}".utf8) {
            format = .gnu
        } else if magic.allSatisfy({ $0 == 0 }) {
            format = .v7
        } else {
            return .failure(.malformed("has an unknown magic"))
        }
        let typeflag = block[156]
        guard let size = number(block[124..<136]) else {
            return .failure(.malformed("has a size field that is not a plain octal or base-256 number"))
        }
        var name = field(block[0..<100])
        switch format {
        case .ustar:
            let prefix = field(block[345..<500])
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        case .gnu, .v7:
            // Python's tarfile reads bytes 345..<500 as a ustar prefix for every header but GNU sparse ones;
            // GNU tar and bsdtar ignore them outside ustar. Anything there would give two names.
            if typeflag != UInt8(ascii: "S"), block[345..<500].contains(where: { $0 != 0 }) {
                return .failure(
                    .malformed("has bytes where a ustar prefix would be, which Python's tarfile adds to the name"))
            }
        }
        return .success(
            TarHeader(
                format: format, name: name, linkName: field(block[157..<257]), size: size, typeflag: typeflag,
                block: block))
    }

    /// Why a header cannot be read the same way by every reader.
    enum HeaderError: Error, Equatable {
        /// The checksum does not match: GNU tar skips to the next valid header, Python stops reading.
        case checksum
        case malformed(String)
    }

    /// The bytes of a NUL-terminated field, up to its first NUL.
    static func field(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        Array(bytes.prefix(while: { $0 != 0 }))
    }

    /// A numeric field: octal digits after optional spaces, ended by NUL or space and nothing else, or
    /// positive base-256 (first byte 0x80); an empty field is 0. Python's `int(…, 8)` also takes `+`, `_` and `0o`, GNU tar does not:
    /// such fields are refused.
    static func number(_ bytes: ArraySlice<UInt8>) -> Int64? {
        guard let first = bytes.first else { return nil }
        if first & 0x80 != 0 {
            guard first == 0x80 else { return nil }  // 0xff is negative, other values are not base-256
            var value: Int64 = 0
            for byte in bytes.dropFirst() {
                guard value <= (Int64.max - Int64(byte)) >> 8 else { return nil }
                value = value << 8 | Int64(byte)
            }
            return value
        }
        var index = bytes.startIndex
        while index < bytes.endIndex, bytes[index] == UInt8(ascii: " ") { index += 1 }
        var value: Int64 = 0
        var digits = 0
        while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "7") {
            value = value << 3 | Int64(bytes[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        // An empty field (GNU tar writes them in volume labels) is 0 for GNU tar and Python alike.
        guard digits <= 21, bytes[index...].allSatisfy({ $0 == 0 || $0 == UInt8(ascii: " ") }) else { return nil }
        return value
    }

    /// The stored checksum equals the unsigned or the signed sum of the block with the field as spaces (both
    /// readers accept either, for old writers that summed signed chars).
    static func checksumMatches(_ block: [UInt8]) -> Bool {
        guard let stored = number(block[148..<156]) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (index, byte) in block.enumerated() {
            let value = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int64(value)
            signed += Int64(Int8(bitPattern: value))
        }
        return stored == unsigned || stored == signed
    }

    /// A member name or link as typed in messages.
    static func describe(_ typeflag: UInt8) -> String {
        typeflag >= 0x20 && typeflag < 0x7F
            ? "'\(Character(Unicode.Scalar(typeflag)))'" : "0x" + String(typeflag, radix: 16)
    }
}
