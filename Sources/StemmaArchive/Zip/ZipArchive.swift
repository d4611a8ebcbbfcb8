public import StemmaCore

/// A zip read as Python's `zipfile`, Info-ZIP `unzip` and miniz (PyTorch) read it: the end record found from the
/// end of the file, the central directory it points at, and each member's local header checked against its
/// central entry. Where those readers, or a streaming reader such as libarchive, could see different names or
/// bytes, the archive carries a ``ZipAmbiguity`` instead of a silent choice.
///
/// The end record taken is the one CPython takes: the last 22 bytes when they are an end record with no comment,
/// otherwise the last end-record signature in the final 64 KiB + 22 bytes. Offsets are shifted by any prefix as
/// CPython shifts them. Reading is linear in the number of members (plus a sort of their offsets), every
/// allocation is bounded by the limits or by the file, and one bad record never hides the others: what can be
/// read is read, what disagrees is reported. Member data is read with ``ZipMemberReader``.
public struct ZipArchive: Sendable {
    /// Members in central-directory order (at most the member limit).
    public internal(set) var members: [ZipMember] = []
    /// Everything readers could disagree on, in the order found (at most ``maxAmbiguities``).
    public internal(set) var ambiguities: [ZipAmbiguity] = []
    /// Ambiguities found past ``maxAmbiguities`` and not kept.
    public internal(set) var droppedAmbiguities = 0
    /// The central directory holds more members than the limit allowed to read.
    public internal(set) var memberLimitReached = false
    /// The central directory ended inside a record.
    public internal(set) var truncated = false
    /// Bytes before the archive proper (a self-extractor stub, a tar in front), added to every offset; negative
    /// when the directory claims to end past where it does.
    public internal(set) var prefixLength = 0
    /// The end record read.
    public internal(set) var endRecordOffset = 0
    /// Other complete end records in the file's tail that a reader could take instead: other views of the file.
    public internal(set) var otherEndRecords: [Int] = []

    /// The most ambiguities kept; a hostile archive could otherwise produce one per member.
    public static let maxAmbiguities = 1000

    static let endSignature: UInt32 = 0x0605_4B50
    /// CPython searches from `filesize - (1 << 16) - 22`.
    static let maxTail = (1 << 16) + 22

    mutating func flag(_ kind: ZipAmbiguity.Kind, member: [UInt8]? = nil, _ detail: String) {
        guard ambiguities.count < Self.maxAmbiguities else {
            droppedAmbiguities += 1
            return
        }
        ambiguities.append(ZipAmbiguity(kind, member: member.map(ArchivePath.display), detail))
    }

    /// Where end records may be: every end-record signature in the last 64 KiB + 22 bytes (last first), and the
    /// one CPython's `zipfile` takes.
    public struct EndRecordSearch: Sendable {
        /// The record CPython takes, when there is a complete one.
        public var chosen: Int?
        /// Every signature offset found, highest first.
        public var candidates: [Int]
    }

    /// Finds the end-of-central-directory records in the tail of `source`.
    /// - Throws: ``StemmaError`` when the source cannot be read.
    public static func findEndRecords(in source: some ZipByteSource) throws(StemmaError) -> EndRecordSearch {
        guard source.count >= 22 else { return EndRecordSearch(chosen: nil, candidates: []) }
        let start = max(0, source.count - maxTail)
        let tail = try source.bytes(at: start, count: source.count - start)
        guard tail.count >= 22 else { return EndRecordSearch(chosen: nil, candidates: []) }
        var candidates: [Int] = []
        tail.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var index = buffer.count - 4
            // A pointer loop without bounds checks: the scan calls this for every file without magic bytes.
            while index >= 0 {
                if base[index] == 0x50, base[index + 1] == 0x4B, base[index + 2] == 0x05, base[index + 3] == 0x06 {
                    candidates.append(start + index)
                }
                index -= 1
            }
        }
        let last = tail.count - 22
        let exact =
            tail[last] == 0x50 && tail[last + 1] == 0x4B && tail[last + 2] == 0x05 && tail[last + 3] == 0x06
            && tail[tail.count - 2] == 0 && tail[tail.count - 1] == 0
        // CPython refuses a last signature that is not followed by 22 bytes; other readers take an earlier one.
        let chosen = exact ? start + last : candidates.first { $0 + 22 <= source.count }
        return EndRecordSearch(chosen: chosen, candidates: candidates)
    }

    /// The end record CPython's `zipfile` takes, or nil when the source is not a zip.
    /// - Throws: ``StemmaError`` when the source cannot be read.
    public static func endOfCentralDirectory(in source: some ZipByteSource) throws(StemmaError) -> Int? {
        try findEndRecords(in: source).chosen
    }

    /// Reads the end record, the central directory and every local header, and checks how they fit together.
    /// - Parameters:
    ///   - maxMembers: the most central-directory entries read; more sets ``memberLimitReached``.
    ///   - maxDirectoryBytes: the largest central directory read into memory.
    ///   - endRecord: read through this end record instead of the one CPython takes (another view).
    /// - Throws: ``StemmaError`` `.malformedInput` when there is no usable end record or directory,
    ///   `.limitExceeded` when the directory is too large, `.io` when the source cannot be read.
    public static func read(
        _ source: some ZipByteSource, maxMembers: Int, maxDirectoryBytes: Int, endRecord: Int? = nil
    ) throws(StemmaError) -> ZipArchive {
        let search = try findEndRecords(in: source)
        guard let end = endRecord ?? search.chosen else {
            throw StemmaError(.malformedInput, "no end of central directory record")
        }
        var archive = ZipArchive()
        archive.endRecordOffset = end
        archive.otherEndRecords = search.candidates.filter { $0 != end }
        let directory = try archive.readEndRecords(source, end: end, maxDirectoryBytes: maxDirectoryBytes)
        archive.parseDirectory(directory.bytes, maxMembers: maxMembers)
        if !archive.memberLimitReached, !archive.truncated, archive.members.count != directory.entries {
            archive.flag(
                .directory,
                "the end record counts \(directory.entries) members, the central directory holds "
                    + "\(archive.members.count) (unzip and miniz go by the count, zipfile by the size)")
        }
        try archive.readLocalHeaders(source)
        try archive.checkLayout(source, directoryStart: directory.start, directoryEnd: directory.end)
        archive.checkNames()
        try archive.checkOtherEndRecords(source)
        return archive
    }

    private struct Directory {
        var bytes: [UInt8]
        var entries: Int
        var start: Int
        var end: Int
    }

    /// Reads the end record (and the zip64 records), works out the prefix, and returns the central directory.
    private mutating func readEndRecords(_ source: some ZipByteSource, end: Int, maxDirectoryBytes: Int)
        throws(StemmaError) -> Directory
    {
        var cursor = ByteCursor(try source.bytes(at: end, count: 22), at: 4)
        guard let disk = cursor.u16(), let directoryDisk = cursor.u16(), let diskEntries = cursor.u16(),
            let entries16 = cursor.u16(), let size32 = cursor.u32(), let offset32 = cursor.u32(),
            let commentLength = cursor.u16()
        else { throw StemmaError(.malformedInput, "the end of central directory record is truncated") }
        let commentEnd = end + 22 + Int(commentLength)
        if commentEnd < source.count {
            flag(.trailingBytes, "\(source.count - commentEnd) bytes follow the end record and its comment")
        } else if commentEnd > source.count {
            flag(
                .endRecord, "the end record's comment runs \(commentEnd - source.count) bytes past the end of the file")
        }
        if disk != 0 || directoryDisk != 0 || diskEntries != entries16 {
            flag(.directory, "the end record describes a multi-disk archive")
        }
        var entries = Int(entries16)
        var size = Int(size32)
        var offset = Int(offset32)
        var directoryEnd = end
        var locatorTarget: Int?
        if let zip64 = try readZip64(source, end: end) {
            let pairs: [(String, UInt64, UInt64, Int)] = [
                ("member count", UInt64(entries16), 0xFFFF, zip64.entries),
                ("directory size", UInt64(size32), 0xFFFF_FFFF, zip64.size),
                ("directory offset", UInt64(offset32), 0xFFFF_FFFF, zip64.offset),
            ]
            for (field, short, saturated, long) in pairs where short != saturated && short != UInt64(long) {
                flag(.zip64, "the end record's \(field) is \(short), the zip64 end record's \(long)")
            }
            (entries, size, offset) = (zip64.entries, zip64.size, zip64.offset)
            directoryEnd = zip64.recordOffset
            locatorTarget = zip64.locatorTarget
        } else if entries16 == 0xFFFF || size32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
            flag(.zip64, "the end record's fields are saturated but no zip64 end record precedes it")
        }
        let (claimedEnd, overflow) = offset.addingReportingOverflow(size)
        guard !overflow, size <= directoryEnd else {
            throw StemmaError(.malformedInput, "the central directory is larger than the bytes before its end record")
        }
        // CPython's "concat": how far the real directory lies past where the end record says it starts.
        prefixLength = directoryEnd - claimedEnd
        let start = directoryEnd - size
        if prefixLength > 0 {
            flag(
                .unaccountedBytes,
                "\(prefixLength) bytes precede the zip (its offsets start after them): readers of what is in front, "
                    + "such as tar or libarchive, see other content than unzip and zipfile")
        } else if prefixLength < 0 {
            flag(
                .directory,
                "the end record places the central directory at \(offset) to \(claimedEnd), but it ends at \(directoryEnd)"
            )
        }
        if let locatorTarget, locatorTarget &+ prefixLength != directoryEnd {
            flag(
                .zip64,
                "the zip64 locator points at offset \(locatorTarget), the zip64 end record is at \(directoryEnd) "
                    + "(CPython reads the one before the locator, miniz the one it points at)")
        }
        guard size <= maxDirectoryBytes else {
            throw StemmaError(.limitExceeded, "the central directory is larger than \(maxDirectoryBytes) bytes")
        }
        let bytes = try source.bytes(at: start, count: size)
        guard bytes.count == size else { throw StemmaError(.malformedInput, "the central directory is truncated") }
        return Directory(bytes: bytes, entries: entries, start: start, end: directoryEnd)
    }

    private struct Zip64End {
        var entries: Int
        var size: Int
        var offset: Int
        var recordOffset: Int
        var locatorTarget: Int
    }

    /// The zip64 end record, read where CPython reads it: right before its locator, which sits right before the
    /// end record.
    private mutating func readZip64(_ source: some ZipByteSource, end: Int) throws(StemmaError) -> Zip64End? {
        guard end >= 20 else { return nil }
        var locator = ByteCursor(try source.bytes(at: end - 20, count: 20))
        guard locator.u32() == 0x0706_4B50, let recordDisk = locator.u32(), let target = locator.u64(),
            let disks = locator.u32()
        else { return nil }
        if recordDisk != 0 || disks > 1 { flag(.directory, "the zip64 locator describes a multi-disk archive") }
        let recordOffset = end - 20 - 56
        let raw = recordOffset >= 0 ? try source.bytes(at: recordOffset, count: 56) : []
        var record = ByteCursor(raw)
        guard record.u32() == 0x0606_4B50, let recordSize = record.u64(), record.skip(4), let disk = record.u32(),
            let directoryDisk = record.u32(), let diskEntries = record.u64(), let entries = record.u64(),
            let size = record.u64(), let offset = record.u64()
        else {
            flag(
                .zip64,
                "a zip64 locator without a zip64 end record right before it (CPython ignores the locator, miniz "
                    + "follows it to offset \(target))")
            return nil
        }
        if recordSize != 44 { flag(.zip64, "the zip64 end record claims \(recordSize) bytes, not 44") }
        if disk != 0 || directoryDisk != 0 || diskEntries != entries {
            flag(.directory, "the zip64 end record describes a multi-disk archive")
        }
        guard let entriesValue = entries.clampedInt, let sizeValue = size.clampedInt,
            let offsetValue = offset.clampedInt, let targetValue = target.clampedInt
        else { throw StemmaError(.malformedInput, "the zip64 end record holds values past any file size") }
        return Zip64End(
            entries: entriesValue, size: sizeValue, offset: offsetValue, recordOffset: recordOffset,
            locatorTarget: targetValue)
    }
}
