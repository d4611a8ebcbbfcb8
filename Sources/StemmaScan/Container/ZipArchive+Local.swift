import StemmaCore

/// Where a member's data starts, and how its local header disagrees with the central directory.
struct ZipLocation {
    var dataOffset: Int
    var anomalies: [String]
}

extension ZipArchive {
    /// Reads `member`'s local header and checks it against the central directory, as CVE-2025-1944/1945 need:
    /// loaders and scanners that trust different records see different bytes.
    /// - Throws: ``StemmaError`` `.malformedInput` when there is no local header where the directory points,
    ///   `.io` when the input cannot be read.
    func locate(_ member: ZipMember, in input: ScanInput) throws(StemmaError) -> ZipLocation {
        let (headerOffset, overflow) = member.localHeaderOffset.addingReportingOverflow(prefixLength)
        guard !overflow, headerOffset <= input.count - 30 else {
            throw StemmaError(.malformedInput, "the local header lies outside the archive")
        }
        var cursor = ByteCursor(try input.bytes(at: headerOffset, count: 30))
        guard cursor.u32() == 0x0403_4B50, cursor.skip(2), let flags = cursor.u16(), let method = cursor.u16(),
            cursor.skip(4), let crc = cursor.u32(), let compressed = cursor.u32(), let uncompressed = cursor.u32(),
            let nameLength = cursor.u16(), let extraLength = cursor.u16()
        else { throw StemmaError(.malformedInput, "no local header where the central directory points") }
        let rest = try input.bytes(at: headerOffset + 30, count: Int(nameLength) + Int(extraLength))
        guard rest.count == Int(nameLength) + Int(extraLength) else {
            throw StemmaError(.malformedInput, "the local header is truncated")
        }
        var anomalies: [String] = []
        let localName = Array(rest[0..<Int(nameLength)])
        if localName != member.rawName {
            anomalies.append(
                "the local header names it '\(String(decoding: localName, as: UTF8.self))', "
                    + "the central directory '\(member.name)'")
        }
        if method != member.method {
            anomalies.append("compression method \(method) in the local header, \(member.method) in the directory")
        }
        if flags & 1 != member.flags & 1 {
            anomalies.append("the encryption flag differs between the local header and the directory")
        }
        // With bit 3 the sizes and CRC follow the data, and the local header may hold zeros.
        if flags & 8 == 0 {
            var local = member
            local.compressedSize = Int(compressed)
            local.uncompressedSize = Int(uncompressed)
            Self.applyZip64(
                Array(rest[Int(nameLength)...]), to: &local, compressed: compressed, uncompressed: uncompressed,
                offset: nil)
            if local.compressedSize != member.compressedSize || local.uncompressedSize != member.uncompressedSize {
                anomalies.append(
                    "sizes \(local.compressedSize)/\(local.uncompressedSize) in the local header, "
                        + "\(member.compressedSize)/\(member.uncompressedSize) in the directory")
            }
            if crc != member.crc { anomalies.append("the CRC differs between the local header and the directory") }
        }
        if member.method == 0 && member.compressedSize != member.uncompressedSize {
            anomalies.append(
                "a stored member with compressed size \(member.compressedSize) and size \(member.uncompressedSize)")
        }
        return ZipLocation(dataOffset: headerOffset + 30 + rest.count, anomalies: anomalies)
    }
}
