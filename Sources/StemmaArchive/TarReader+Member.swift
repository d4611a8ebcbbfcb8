import StemmaCore

/// Turning a member header and the extension headers before it into one entry, refusing what readers resolve
/// differently.
extension TarReader {
    private static let regularTypes: Set<UInt8> = [UInt8(ascii: "0"), 0, UInt8(ascii: "7")]
    private static let deviceTypes: Set<UInt8> = [UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6")]

    /// The entry a member header describes; nil when it is skipped or a problem ended the reading.
    func member(_ header: TarHeader, _ pending: Pending, at headerOffset: Int64) throws(StemmaError) -> ArchiveEntry? {
        let pax = pending.pax ?? PaxRecords()
        let type = header.typeflag
        guard let name = resolveName(header, pending, pax), let link = resolveLink(header, pending, pax) else {
            return nil
        }
        let shown = ArchivePath.display(name)
        for keyword in ["SCHILY.realsize", "SUN.holesdata"] where pax[keyword] != nil {
            stop(shown, "member '\(shown)' has a pax '\(keyword)' record, which only bsdtar reads as a sparse layout")
            return nil
        }
        var size = header.size
        if let raw = pax["size"] {
            guard let value = PaxRecords.decimal(raw) else {
                stop(
                    shown,
                    "member '\(shown)' has a pax size '\(ArchivePath.display(raw))' that is not a plain number: "
                        + "Python's tarfile reads it with int(), GNU tar and bsdtar refuse it and keep the header size")
                return nil
            }
            guard header.size == 0 || header.size == value else {
                // GNU tar, bsdtar and tarfile take the pax size; a reader that ignores pax records (busybox tar,
                // old ustar readers) takes the header's, and finds other members in the difference.
                stop(
                    shown,
                    "member '\(shown)' has a pax size \(value) but a header size \(header.size): pax-aware readers "
                        + "and readers that ignore pax records skip different lengths to the next header")
                return nil
            }
            size = value
        }
        let (padded, overflow) = size.addingReportingOverflow(511)
        guard !overflow else { throw StemmaError(.archive, "'\(path)': member '\(shown)' has an impossible size") }
        let rounded = padded / 512 * 512
        var dataEnd = offset + rounded
        let sparseKeys = pax.layoutKeywordsPresent.filter { $0.hasPrefix("GNU.sparse.") }
        let isRegular = Self.regularTypes.contains(type) || type == UInt8(ascii: "S")
        if !isRegular, !sparseKeys.isEmpty {
            stop(shown, "member '\(shown)' is not a regular file but has GNU sparse records")
            return nil
        }
        let kind: ArchiveEntry.Kind
        switch type {
        case _ where isRegular:
            kind = .regularFile
        case UInt8(ascii: "1"):
            kind = .hardLink(target: ArchivePath.display(link))
        case UInt8(ascii: "2"):
            kind = .symbolicLink(target: ArchivePath.display(link))
        case UInt8(ascii: "5"):
            kind = .directory
        case _ where Self.deviceTypes.contains(type):
            kind = .other
        default:
            note(
                .ambiguous, shown,
                "member '\(shown)' has type \(TarHeader.describe(type)), which Python's tarfile extracts as a regular "
                    + "file and GNU tar treats by its own rules (volume label, multivolume, dump folder)")
            try skip(dataEnd - offset)
            return nil
        }
        if !isRegular && size > 0 {
            // No writer gives these a body. GNU tar skips the body of a symbolic link, device or FIFO; Python's
            // tarfile and bsdtar read it as the next headers (all three do so after folders and hard links).
            stop(
                shown,
                "member '\(shown)' is a link, folder or device with a \(size)-byte body: GNU tar skips the body of "
                    + "symbolic links, devices and FIFOs, Python's tarfile and bsdtar read it as further members")
            return nil
        }
        var sparse: TarSparseMap?
        var stored = size
        if isRegular {
            if name.last == UInt8(ascii: "/") {
                note(
                    .ambiguous, shown,
                    "regular member '\(shown)' has a name ending in '/': GNU tar extracts it as a folder, Python's "
                        + "tarfile as a file (type '0') or as a folder whose data it reads as headers (type NUL)")
            }
            if type == UInt8(ascii: "S") || !sparseKeys.isEmpty {
                guard let (map, mapBytes) = try readSparseMap(header, pax, size: size, shown: shown) else {
                    return nil
                }
                stored = size - mapBytes
                // Old GNU extension blocks sit between the header and the data.
                if type == UInt8(ascii: "S") { dataEnd = offset + rounded }
                if let why = map.problem(storedBytes: stored) {
                    stop(shown, "sparse member '\(shown)' \(why)")
                    return nil
                }
                sparse = map
            }
        }
        current = Member(name: shown, dataEnd: dataEnd, stored: stored, sparse: sparse)
        return ArchiveEntry(
            displayName: shown, path: ArchivePath.normalize(name, maxBytes: limits.maxNameBytes), kind: kind,
            declaredSize: sparse?.realSize ?? size)
    }

    /// The member's name: the header's, replaced by a GNU long name, replaced by a pax `path` or
    /// `GNU.sparse.name`. Two different names from two kinds of record are a problem: GNU tar lets pax win,
    /// Python's tarfile lets whichever header comes first win (it applies the outer one last).
    private func resolveName(_ header: TarHeader, _ pending: Pending, _ pax: PaxRecords) -> [UInt8]? {
        var name = pending.longName ?? header.name
        var source = pending.longName == nil ? nil : "GNU long name"
        for keyword in ["path", "GNU.sparse.name"] {
            guard let value = pax[keyword] else { continue }
            let shown = ArchivePath.display(value)
            if value.contains(0) {
                stop(shown, "member '\(shown)' has a pax \(keyword) with a NUL byte: GNU tar cuts the name there")
                return nil
            }
            if let source, value != name {
                note(
                    .ambiguous, shown,
                    "a member has a \(source) '\(ArchivePath.display(name))' and a pax \(keyword) '\(shown)': GNU tar "
                        + "extracts it under the pax name, Python's tarfile and bsdtar under the one whose header comes first"
                )
            }
            name = value
            source = "pax \(keyword)"
        }
        return name
    }

    /// The member's link target, resolved like its name.
    private func resolveLink(_ header: TarHeader, _ pending: Pending, _ pax: PaxRecords) -> [UInt8]? {
        var link = pending.longLink ?? header.linkName
        guard let value = pax["linkpath"] else { return link }
        let shown = ArchivePath.display(value)
        if value.contains(0) {
            stop(shown, "a member has a pax linkpath with a NUL byte: GNU tar cuts the target there")
            return nil
        }
        if pending.longLink != nil, value != link {
            note(
                .ambiguous, ArchivePath.display(header.name),
                "member '\(ArchivePath.display(header.name))' has a GNU long link '\(ArchivePath.display(link))' "
                    + "and a pax linkpath '\(shown)': GNU tar links to the pax target, Python's tarfile to the one "
                    + "whose header comes first")
        }
        link = value
        return link
    }

    /// Reads an old GNU (`S`) or pax 1.0 sparse map; nil after a recorded problem. Returns how many bytes of the
    /// member's data the map itself took (pax 1.0 keeps it at the start of the data).
    private func readSparseMap(
        _ header: TarHeader, _ pax: PaxRecords, size: Int64, shown: String
    ) throws(StemmaError) -> (TarSparseMap, Int64)? {
        if header.typeflag == UInt8(ascii: "S") {
            guard header.format == .gnu, pax.layoutKeywordsPresent.allSatisfy({ !$0.hasPrefix("GNU.sparse.") }),
                let realSize = TarHeader.number(header.block[483..<495])
            else {
                stop(shown, "old GNU sparse member '\(shown)' has a header that readers read differently")
                return nil
            }
            var map = TarSparseMap(realSize: realSize)
            var ended = false
            let unequal =
                "old GNU sparse member '\(shown)' has a sparse map that GNU tar and Python's tarfile read differently"
            guard
                TarSparseMap.readGNUEntries(
                    header.block[386..<482], count: 4, inExtension: false, ended: &ended, into: &map)
            else {
                stop(shown, unequal)
                return nil
            }
            var extended = header.block[482] != 0
            while extended {
                guard !ended else {
                    stop(shown, unequal)
                    return nil
                }
                guard map.ranges.count <= limits.maxSparseEntries else {
                    throw StemmaError(.limitExceeded, "'\(path)': '\(shown)' has too many sparse ranges")
                }
                guard let block = try readBlock() else {
                    throw StemmaError(.archive, "'\(path)' is truncated inside the sparse map of '\(shown)'")
                }
                guard
                    TarSparseMap.readGNUEntries(block[0..<504], count: 21, inExtension: true, ended: &ended, into: &map)
                else {
                    stop(shown, unequal)
                    return nil
                }
                extended = block[504] != 0
            }
            return (map, 0)
        }
        guard pax["GNU.sparse.major"] == Array("1".utf8), pax["GNU.sparse.minor"] == Array("0".utf8),
            let realSize = pax["GNU.sparse.realsize"].flatMap(PaxRecords.decimal),
            Set(pax.layoutKeywordsPresent.filter { $0.hasPrefix("GNU.sparse.") }).isSubset(
                of: ["GNU.sparse.major", "GNU.sparse.minor", "GNU.sparse.realsize", "GNU.sparse.name"])
        else {
            stop(
                shown,
                "member '\(shown)' uses a GNU sparse format other than 1.0 (or a malformed one), which readers "
                    + "lay out differently")
            return nil
        }
        var remaining = size
        let result = try TarSparseMap.readPaxMap(realSize: realSize, maxEntries: limits.maxSparseEntries) {
            () throws(StemmaError) -> [UInt8]? in
            guard remaining >= 512 else { return nil }
            remaining -= 512
            return try self.readExactly(512)
        }
        switch result {
        case .success(let read): return read
        case .failure(let why):
            stop(shown, "sparse member '\(shown)' \(why)")
            return nil
        }
    }
}
