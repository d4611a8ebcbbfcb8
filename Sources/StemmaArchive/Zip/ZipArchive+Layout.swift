import StemmaCore

extension ZipArchive {
    private struct Region {
        var start: Int
        var end: Int
        var member: Int
    }

    /// Accounts for every byte between the start of the archive and its central directory: each member's local
    /// header, data and data descriptor must follow the previous one with nothing in between, in the order the
    /// central directory lists them. A gap is where a streaming reader finds what the directory does not list.
    mutating func checkLayout(_ source: some ZipByteSource, directoryStart: Int, directoryEnd: Int)
        throws(StemmaError)
    {
        var regions: [Region] = []
        regions.reserveCapacity(members.count)
        var previousOffset = Int.min
        var orderFlagged = false
        for (index, member) in members.enumerated() {
            guard let dataOffset = member.dataOffset else { continue }
            if member.localHeaderOffset < previousOffset, !orderFlagged {
                flag(
                    .order, member: member.rawName,
                    "the central directory lists it after a member that lies later in the file")
                orderFlagged = true
            }
            previousOffset = member.localHeaderOffset
            if member.method == 0, !member.isEncrypted, member.compressedSize != member.uncompressedSize {
                flag(
                    .memberData, member: member.rawName,
                    "stored, yet its sizes differ (\(member.compressedSize) stored, \(member.uncompressedSize) declared)"
                )
            }
            let (dataEnd, overflow) = dataOffset.addingReportingOverflow(member.compressedSize)
            guard !overflow, dataEnd <= source.count else {
                flag(.memberData, member: member.rawName, "its data runs past the end of the file")
                regions.append(Region(start: member.localHeaderOffset, end: source.count, member: index))
                continue
            }
            var end = dataEnd
            if member.hasDataDescriptor {
                end = try descriptorEnd(source, member: member, dataEnd: dataEnd)
            }
            regions.append(Region(start: member.localHeaderOffset, end: end, member: index))
        }
        regions.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        var position = max(0, prefixLength)
        var previous: Int?
        for region in regions {
            if region.start < position, let previous {
                flag(
                    .overlap, member: members[region.member].rawName,
                    "its bytes from offset \(region.start) overlap those of '\(members[previous].name)'")
            } else if region.start > position {
                try gap(source, from: position, to: region.start, before: members[region.member].name)
            }
            if region.end > position {
                position = region.end
                previous = region.member
            }
        }
        if position > directoryStart, let previous {
            flag(.overlap, member: members[previous].rawName, "its bytes run into the central directory")
        } else if position < directoryStart {
            try gap(source, from: position, to: directoryStart, before: nil)
        }
    }

    private mutating func gap(_ source: some ZipByteSource, from start: Int, to end: Int, before: String?)
        throws(StemmaError)
    {
        let place = before.map { "before '\(ArchivePath.display(Array($0.utf8)))'" } ?? "before the central directory"
        if try source.bytes(at: start, count: 4) == [0x50, 0x4B, 0x03, 0x04] {
            flag(
                .unreferencedLocalHeader,
                "a local header at offset \(start), \(place), is not in the central directory (a streaming reader "
                    + "such as libarchive extracts it, unzip and zipfile do not)")
        } else {
            flag(.unaccountedBytes, "\(end - start) bytes at offset \(start), \(place), belong to no member")
        }
    }

    /// Where a member's data descriptor ends; a missing or disagreeing descriptor is an ambiguity (streaming
    /// readers take the sizes from it, the others from the central directory).
    private mutating func descriptorEnd(_ source: some ZipByteSource, member: ZipMember, dataEnd: Int)
        throws(StemmaError) -> Int
    {
        let raw = try source.bytes(at: dataEnd, count: 24)
        let base = raw.starts(with: [0x50, 0x4B, 0x07, 0x08]) ? 4 : 0
        for wide in [false, true] {
            var cursor = ByteCursor(raw, at: base)
            guard let crc = cursor.u32(),
                let compressed = wide ? cursor.u64() : cursor.u32().map(UInt64.init),
                let uncompressed = wide ? cursor.u64() : cursor.u32().map(UInt64.init)
            else { continue }
            if crc == member.crc, compressed == UInt64(member.compressedSize),
                uncompressed == UInt64(member.uncompressedSize)
            {
                return dataEnd + cursor.position
            }
        }
        flag(
            .dataDescriptor, member: member.rawName,
            "it declares a data descriptor, but none that agrees with the central directory follows its data")
        return dataEnd
    }

    /// Names that readers place or decode differently, or that appear twice.
    mutating func checkNames() {
        var seen = Set<[UInt8]>()
        seen.reserveCapacity(members.count)
        for member in members {
            let name = member.rawName
            if !seen.insert(name).inserted {
                flag(
                    .duplicateName, member: name,
                    "the name appears more than once (zipfile takes the last, unzip asks or overwrites)")
            }
            if !member.hasUTF8Name, name.contains(where: { $0 >= 0x80 }) {
                flag(
                    .name, member: name,
                    "the name has non-ASCII bytes but is not marked UTF-8: Python's zipfile decodes it as CP437, "
                        + "unzip and libarchive as UTF-8")
            }
            if name.contains(UInt8(ascii: "\\")) {
                flag(.name, member: name, "the name holds a backslash, which some readers turn into a folder separator")
            }
            if member.unixFileType == 0o040000, !member.isDirectory {
                flag(.name, member: name, "its mode says folder, but its name does not end in '/'")
            }
            if member.isDirectory, member.uncompressedSize > 0 || member.compressedSize > 0 {
                flag(.name, member: name, "a folder entry that holds data")
            }
            if member.isSymbolicLink {
                flag(
                    .link, member: name,
                    "a symbolic link: unzip makes a link, Python's zipfile a file that holds the link's target")
            }
        }
    }

    /// The most other end-record signatures looked at one by one.
    static let maxEndRecordChecks = 256

    /// Other end-record signatures in the tail are another view of the file unless they sit inside a member's data
    /// and do not reach the end of the file as a real end record would.
    mutating func checkOtherEndRecords(_ source: some ZipByteSource) throws(StemmaError) {
        let data = members.compactMap { member in member.dataOffset.map { ($0, $0 &+ member.compressedSize) } }
            .sorted { $0.0 < $1.0 }
        var flagged: [Int] = []
        for candidate in otherEndRecords.prefix(Self.maxEndRecordChecks) {
            let record = try source.bytes(at: candidate, count: 22)
            let complete = record.count == 22
            let reachesEnd = complete && candidate + 22 + (Int(record[20]) | Int(record[21]) << 8) == source.count
            if !reachesEnd, Self.lies(candidate, inside: data) { continue }
            flag(
                .endRecord,
                "another end-record signature at offset \(candidate): a reader that takes it sees another archive")
            if complete { flagged.append(candidate) }
        }
        if otherEndRecords.count > Self.maxEndRecordChecks {
            flag(.endRecord, "more than \(Self.maxEndRecordChecks) end-record signatures in the file's tail")
        }
        otherEndRecords = flagged
    }

    private static func lies(_ offset: Int, inside ranges: [(Int, Int)]) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].0 <= offset { low = middle + 1 } else { high = middle }
        }
        return low > 0 && offset < ranges[low - 1].1
    }
}
