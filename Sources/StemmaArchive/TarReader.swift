public import StemmaCore

/// Reads a tar archive (plain, gzip, bzip2, xz or zstd) the way GNU tar, bsdtar and Python's `tarfile` all read
/// it, and reports every place where they would not agree.
///
/// libarchive only decompresses (``DecompressedStream``); the tar headers are read here, in one pass over the
/// stream, because libarchive resolves conflicting headers its own way and says nothing. What GNU tar and Python
/// would read differently becomes an ``ArchiveProblem`` in ``problems``: conflicting GNU long names and pax
/// records, global pax headers that rename, bad checksums, bodies on links, data after the end-of-archive blocks,
/// sparse maps that do not add up. A problem that leaves the position of the next header in doubt ends the
/// reading; the others are recorded and reading goes on, so every member is still checked.
///
/// Memory is bounded: data is handed out in 64 KiB chunks and holes from a fixed zero buffer; names, pax headers
/// and sparse maps are bounded by ``ArchiveLimits``. Time is linear in the decompressed size.
public final class TarReader {
    let path: String
    let limits: ArchiveLimits
    let stream: DecompressedStream
    /// What readers would disagree on, in archive order.
    public private(set) var problems: [ArchiveProblem] = []

    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    var start = 0
    var end = 0
    /// Decompressed bytes consumed so far: the offset of the next unread byte.
    var offset: Int64 = 0
    var emitted: Int64 = 0
    private var entries = 0
    private var finished = false
    var current: Member?

    static let zeros = [UInt8](repeating: 0, count: 1 << 20)

    /// The member whose data is next in the stream.
    struct Member {
        var name: String
        /// Where its data (and padding) ends in the stream.
        var dataEnd: Int64
        /// Bytes of stored data still to read.
        var stored: Int64
        var sparse: TarSparseMap?
    }

    /// Opens the file `path` for streaming.
    /// - Throws: ``StemmaError`` `.io` or `.archive` naming the file.
    public init(path: String, limits: ArchiveLimits = .standard) throws(StemmaError) {
        self.path = path
        self.limits = limits
        self.stream = try DecompressedStream(path: path)
    }

    /// Reads `bytes` (a tar nested in another container, already in hand), named `name` in problems and errors.
    /// - Throws: ``StemmaError`` `.archive` when libarchive cannot start.
    public init(source bytes: any ZipByteSource, name: String, limits: ArchiveLimits = .standard) throws(StemmaError) {
        self.path = name
        self.limits = limits
        self.stream = try DecompressedStream(source: bytes, name: name)
    }

    deinit { buffer.deallocate() }

    func note(_ kind: ArchiveProblem.Kind, _ member: String, _ message: String) {
        problems.append(ArchiveProblem(kind, member: member, message))
    }

    /// Records a problem after which the next header cannot be found the same way by every reader, and stops.
    func stop(_ member: String, _ message: String) {
        note(.ambiguous, member, message)
        finished = true
        current = nil
    }

    /// Extension headers read since the last member, waiting for the member they describe.
    struct Pending {
        var longName: [UInt8]?
        var longLink: [UInt8]?
        var pax: PaxRecords?
        var isEmpty: Bool { longName == nil && longLink == nil && pax == nil }
    }

    /// The next member, or nil at the end of the archive (or after a problem that ends the reading).
    /// - Throws: ``StemmaError`` for a file that is not a tar, a truncated one, or an exhausted limit.
    public func nextEntry() throws(StemmaError) -> ArchiveEntry? {
        try skipCurrent()
        var pending = Pending()
        while !finished {
            let headerOffset = offset
            guard let block = try readBlock() else {
                if !pending.isEmpty {
                    note(
                        .ambiguous, "offset \(headerOffset)", "'\(path)' ends after an extension header with no member")
                }
                try endOfStream()
                return nil
            }
            if block.allSatisfy({ $0 == 0 }) {
                if !pending.isEmpty {
                    note(
                        .ambiguous, "offset \(headerOffset)",
                        "'\(path)' ends after an extension header with no member")
                }
                try checkTail(endMarker: headerOffset)
                return nil
            }
            let header: TarHeader
            switch TarHeader.parse(block) {
            case .success(let parsed):
                header = parsed
            case .failure(let error):
                let shown = ArchivePath.display(TarHeader.field(block[0..<100]))
                guard headerOffset > 0 || error != .checksum else {
                    throw StemmaError(.archive, "'\(path)' is not a tar archive (its first header is not valid)")
                }
                switch error {
                case .checksum:
                    stop(
                        shown,
                        "the header of '\(shown)' at offset \(headerOffset) has a bad checksum: GNU tar skips to the "
                            + "next valid header, Python's tarfile stops reading there in silence and bsdtar fails")
                case .malformed(let why):
                    stop(shown, "the header of '\(shown)' at offset \(headerOffset) \(why)")
                }
                return nil
            }
            let shown = ArchivePath.display(header.name)
            switch header.typeflag {
            case UInt8(ascii: "L"), UInt8(ascii: "K"):
                let isName = header.typeflag == UInt8(ascii: "L")
                guard (isName ? pending.longName : pending.longLink) == nil else {
                    stop(shown, "two GNU long \(isName ? "names" : "links") precede one member at offset \(offset)")
                    return nil
                }
                guard let body = try extensionBody(header, limit: limits.maxNameBytes + 1) else { return nil }
                let value = TarHeader.field(body[...])
                if isName { pending.longName = value } else { pending.longLink = value }
            case UInt8(ascii: "x"):
                guard pending.pax == nil else {
                    stop(shown, "two pax extended headers precede one member at offset \(offset)")
                    return nil
                }
                guard let body = try extensionBody(header, limit: limits.maxHeaderBytes) else { return nil }
                switch PaxRecords.parse(body) {
                case .success(let records): pending.pax = records
                case .failure(let why):
                    stop(shown, "the pax header at offset \(headerOffset) \(why)")
                    return nil
                }
            case UInt8(ascii: "g"):
                try countEntry()
                guard pending.isEmpty else {
                    stop(shown, "a global pax header at offset \(headerOffset) comes between a member's headers")
                    return nil
                }
                guard let body = try extensionBody(header, limit: limits.maxHeaderBytes) else { return nil }
                switch PaxRecords.parse(body) {
                case .success(let records):
                    let keys = records.layoutKeywordsPresent
                    if !keys.isEmpty {
                        note(
                            .ambiguous, "offset \(headerOffset)",
                            "a global pax header at offset \(headerOffset) sets \(keys.joined(separator: ", ")): "
                                + "GNU tar and Python's tarfile apply it to every later member, bsdtar ignores it, so "
                                + "they extract different names or bytes")
                    }
                case .failure(let why):
                    stop(shown, "the global pax header at offset \(headerOffset) \(why)")
                    return nil
                }
            default:
                try countEntry()
                if let entry = try member(header, pending, at: headerOffset) { return entry }
                pending = Pending()
            }
        }
        return nil
    }

    /// Counts a member or global header against the entry limit. `L`, `K` and `x` headers are not counted: at
    /// most one of each may precede a member, so they are bounded by the members.
    private func countEntry() throws(StemmaError) {
        entries += 1
        guard entries <= limits.maxEntries else {
            throw StemmaError(.limitExceeded, "'\(path)' has more than \(limits.maxEntries) entries")
        }
    }

    /// The body of an `L`, `K`, `x` or `g` header, with its padding checked to be zeros (Python's tarfile reads
    /// into the padding, GNU tar does not). Nil after a recorded problem.
    private func extensionBody(_ header: TarHeader, limit: Int) throws(StemmaError) -> [UInt8]? {
        guard header.size <= Int64(limit) else {
            throw StemmaError(
                .limitExceeded,
                "'\(path)': an extension header at offset \(offset - 512) holds \(header.size) bytes, over the "
                    + "limit of \(limit)")
        }
        let size = Int(header.size)
        let padded = (size + 511) / 512 * 512
        let body = try readExactly(padded)
        guard body[size...].allSatisfy({ $0 == 0 }) else {
            stop(
                ArchivePath.display(header.name),
                "an extension header at offset \(offset - Int64(padded) - 512) has data in its padding, which "
                    + "Python's tarfile reads as part of it and GNU tar does not")
            return nil
        }
        return Array(body[..<size])
    }

    /// Streams the current member's bytes to `body` in order, holes as zeros. Call at most once per member.
    /// - Throws: ``StemmaError`` for a truncated archive or an exhausted limit.
    public func readData(_ body: (UnsafeRawBufferPointer) -> Void) throws(StemmaError) {
        guard var member = current else { return }
        if let map = member.sparse {
            var position: Int64 = 0
            for range in map.ranges {
                try emitZeros(range.offset - position, body)
                try stream(range.length, body)
                member.stored -= range.length
                position = range.offset + range.length
            }
            try emitZeros(map.realSize - position, body)
        } else {
            try stream(member.stored, body)
        }
        try skipCurrent()
    }

    /// Skips what is left of the current member's data and padding.
    private func skipCurrent() throws(StemmaError) {
        guard let member = current else { return }
        current = nil
        try skip(member.dataEnd - offset)
    }

    /// After one zero block: every later byte must be zero. A second archive, a zip or anything else behind the
    /// end marker is read by `tar --ignore-zeros`, Python's `ignore_zeros=True` and zip readers, not by the others.
    private func checkTail(endMarker: Int64) throws(StemmaError) {
        while try fill() {
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
            if let index = chunk.firstIndex(where: { $0 != 0 }) {
                let at = offset + Int64(index)
                stop(
                    "offset \(at)",
                    "'\(path)' holds data at offset \(at), after its end-of-archive marker at offset \(endMarker): "
                        + "GNU tar --ignore-zeros and Python's tarfile with ignore_zeros read it as more members, "
                        + "zip readers open a zip appended there, other tar readers stop at the marker")
                return
            }
            offset += Int64(end - start)
            start = end
        }
        try endOfStream()
    }

    private func endOfStream() throws(StemmaError) {
        finished = true
        if let problem = try stream.trailingBytesProblem() { problems.append(problem) }
    }
}
