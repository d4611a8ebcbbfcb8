import StemmaCore

/// One member as the central directory records it.
struct ZipMember: Sendable {
    var name: String
    var rawName: [UInt8]
    var flags: UInt16
    var method: UInt16
    var crc: UInt32
    var compressedSize: Int
    var uncompressedSize: Int
    var localHeaderOffset: Int
    var externalAttributes: UInt32

    var isDirectory: Bool { name.hasSuffix("/") }
    var isEncrypted: Bool { flags & 1 != 0 }
    /// Unix mode bits in the high half of the external attributes say "symbolic link".
    var isSymbolicLink: Bool { (externalAttributes >> 16) & 0o170000 == 0o120000 }
}

/// A tolerant zip reader over a ``ScanInput``: it reads the end record (zip64 too) and the central directory,
/// and reports what a strict reader would reject instead of rejecting it, so that one bad record never hides the
/// rest of the archive.
///
/// Nothing but the central directory is read here; members are located with ``locate(_:in:)`` one at a time.
struct ZipArchive {
    /// Members in central-directory order (at most the member limit).
    var members: [ZipMember] = []
    /// Structural oddities that loaders tolerate but that deserve a look (prefix data, count mismatches).
    var anomalies: [String] = []
    /// The central directory holds more members than the limit allowed to read.
    var memberLimitReached = false
    /// The central directory ended before all its records were read.
    var truncated = false
    /// Bytes before the archive proper (a self-extractor stub or a polyglot prefix), added to every offset.
    var prefixLength = 0

    private static let endSignature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
    private static let maxCommentSearch = 65_535 + 22

    /// The offset of the end-of-central-directory record, searched in the last 64 KiB + 22 bytes as Python's
    /// `zipfile` does, or nil when there is none.
    /// - Throws: ``StemmaError`` when the input cannot be read.
    static func endOfCentralDirectory(in input: ScanInput) throws(StemmaError) -> Int? {
        guard input.count >= 22 else { return nil }
        let exact = try input.bytes(at: input.count - 22, count: 4)
        if exact == endSignature { return input.count - 22 }
        let start = max(0, input.count - maxCommentSearch)
        let tail = try input.bytes(at: start, count: input.count - start)
        guard tail.count >= 22 else { return nil }
        var fallback: Int?
        tail.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var index = buffer.count - 22
            // A pointer loop without bounds checks: every non-zip member of a checkpoint is searched once.
            while index >= 0 {
                if base[index] == 0x50, base[index + 1] == 0x4B, base[index + 2] == 0x05, base[index + 3] == 0x06 {
                    let comment = Int(base[index + 20]) | Int(base[index + 21]) << 8
                    if index + 22 + comment == buffer.count {
                        fallback = start + index
                        return
                    }
                    fallback = fallback ?? start + index
                }
                index -= 1
            }
        }
        return fallback
    }

    /// Reads the central directory.
    /// - Throws: ``StemmaError`` `.malformedInput` when there is no usable end record or directory, `.io` when
    ///   the input cannot be read.
    static func read(_ input: ScanInput, maxMembers: Int, maxDirectoryBytes: Int) throws(StemmaError) -> ZipArchive {
        guard let end = try endOfCentralDirectory(in: input) else {
            throw StemmaError(.malformedInput, "no end of central directory record")
        }
        var cursor = ByteCursor(try input.bytes(at: end, count: 22), at: 10)
        guard let entries16 = cursor.u16(), let size32 = cursor.u32(), let offset32 = cursor.u32() else {
            throw StemmaError(.malformedInput, "the end of central directory record is truncated")
        }
        var entries = Int(entries16)
        var directorySize = Int(size32)
        var directoryOffset = Int(offset32)
        var directoryEnd = end
        if let zip64 = try zip64End(input, end: end) {
            entries = zip64.entries
            directorySize = zip64.size
            directoryOffset = zip64.offset
            directoryEnd = zip64.recordOffset
        } else if entries16 == 0xFFFF || size32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
            throw StemmaError(.malformedInput, "a zip64 archive without a readable zip64 end record")
        }
        var archive = ZipArchive()
        let (claimedEnd, overflow) = directoryOffset.addingReportingOverflow(directorySize)
        guard !overflow, claimedEnd <= directoryEnd else {
            throw StemmaError(.malformedInput, "the central directory overlaps its end record")
        }
        archive.prefixLength = directoryEnd - claimedEnd
        if archive.prefixLength > 0 {
            archive.anomalies.append("\(archive.prefixLength) bytes precede the archive")
        }
        guard directorySize <= maxDirectoryBytes else {
            throw StemmaError(.limitExceeded, "the central directory is larger than \(maxDirectoryBytes) bytes")
        }
        let directory = try input.bytes(at: directoryOffset + archive.prefixLength, count: directorySize)
        archive.parseDirectory(directory, maxMembers: maxMembers)
        if !archive.memberLimitReached, !archive.truncated, archive.members.count != entries {
            archive.anomalies.append(
                "the end record counts \(entries) members, the central directory holds \(archive.members.count)")
        }
        return archive
    }

    private static func zip64End(_ input: ScanInput, end: Int) throws(StemmaError)
        -> (entries: Int, size: Int, offset: Int, recordOffset: Int)?
    {
        guard end >= 20 else { return nil }
        var locator = ByteCursor(try input.bytes(at: end - 20, count: 20))
        guard locator.u32() == 0x0706_4B50, locator.skip(4), let recordOffset = locator.u64()?.clampedInt,
            recordOffset < input.count
        else { return nil }
        var record = ByteCursor(try input.bytes(at: recordOffset, count: 56))
        guard record.u32() == 0x0606_4B50, record.skip(28), let entries = record.u64()?.clampedInt,
            let size = record.u64()?.clampedInt, let offset = record.u64()?.clampedInt
        else { throw StemmaError(.malformedInput, "the zip64 end record is missing or truncated") }
        return (entries, size, offset, recordOffset)
    }

    private mutating func parseDirectory(_ directory: [UInt8], maxMembers: Int) {
        var cursor = ByteCursor(directory)
        while cursor.remaining > 0 {
            guard members.count < maxMembers else {
                memberLimitReached = true
                return
            }
            guard cursor.u32() == 0x0201_4B50, cursor.skip(4), let flags = cursor.u16(), let method = cursor.u16(),
                cursor.skip(4), let crc = cursor.u32(), let compressed = cursor.u32(), let uncompressed = cursor.u32(),
                let nameLength = cursor.u16(), let extraLength = cursor.u16(), let commentLength = cursor.u16(),
                cursor.skip(4), let external = cursor.u32(), let offset = cursor.u32(),
                let rawName = cursor.take(Int(nameLength)), let extra = cursor.take(Int(extraLength)),
                cursor.skip(Int(commentLength))
            else {
                truncated = true
                return
            }
            var member = ZipMember(
                name: String(decoding: rawName, as: UTF8.self), rawName: rawName, flags: flags, method: method,
                crc: crc, compressedSize: Int(compressed), uncompressedSize: Int(uncompressed),
                localHeaderOffset: Int(offset), externalAttributes: external)
            Self.applyZip64(extra, to: &member, compressed: compressed, uncompressed: uncompressed, offset: offset)
            members.append(member)
        }
    }

    /// The zip64 extra field (id 1) holds, in order, each 32-bit size or offset that was saturated.
    static func applyZip64(
        _ extra: [UInt8], to member: inout ZipMember, compressed: UInt32, uncompressed: UInt32, offset: UInt32?
    ) {
        var cursor = ByteCursor(extra)
        while cursor.remaining >= 4, let id = cursor.u16(), let size = cursor.u16() {
            guard id == 1, let field = cursor.take(Int(size)) else {
                if !cursor.skip(Int(size)) { return }
                continue
            }
            var values = ByteCursor(field)
            if uncompressed == 0xFFFF_FFFF, let value = values.u64()?.clampedInt { member.uncompressedSize = value }
            if compressed == 0xFFFF_FFFF, let value = values.u64()?.clampedInt { member.compressedSize = value }
            if offset == 0xFFFF_FFFF, let value = values.u64()?.clampedInt { member.localHeaderOffset = value }
            return
        }
    }
}
