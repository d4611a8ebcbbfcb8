internal import StemmaCore
public import StemmaGraph

#if canImport(Glibc)
    import Glibc
#endif

/// Reads inventory paths (folders and files) into a ``Graph``: walks them, recognises each file by content, reads
/// files in parallel on every core, and assembles the fragments in a stable order.
public struct Inventory: Sendable {
    public var limits: InventoryLimits
    /// Counters for a progress display, updated while reading; nil for none.
    public var progress: InventoryProgress?

    public init(limits: InventoryLimits = InventoryLimits(), progress: InventoryProgress? = nil) {
        self.limits = limits
        self.progress = progress
    }

    /// What reading produced.
    public struct Result: Sendable {
        public var graph: Graph
        public var warnings: [InventoryWarning]
        /// Files looked at, and files that a reader recognised.
        public var filesSeen: Int
        public var filesRead: Int
    }

    /// Reads `paths` and builds the graph.
    ///
    /// Every core walks folders and reads their files (``ConcurrentWalk``). Fragments are then put in path order,
    /// so the graph (and which document's properties win) never depends on timing.
    /// - Parameters:
    ///   - paths: folders and files to read.
    ///   - extra: fragments that did not come from a file (a bundle's recomputed digests), made from the graph of the
    ///     files and added after their fragments; the graph is then rebuilt in memory, nothing is read twice.
    public func read(_ paths: [String], adding extra: (Graph) -> [InventoryFragment] = { _ in [] }) -> Result {
        var clock = PhaseClock()
        let limits = self.limits
        let progress = self.progress
        let budget = ReadBudget(limit: limits.maxBytesInFlight)
        let walk = ConcurrentWalk(limits: limits, progress: progress).run(paths) { file, head, folder, name in
            let fragment = Self.readFile(file, head: &head, limits: limits, budget: budget, in: folder, name: name)
            progress?.finished(fragment)
            return fragment
        }
        let fileCount = walk.files
        let warningsOfWalk = walk.warnings
        var fragments = walk.read
        fragments.sort { Self.bytesPrecede($0.path, $1.path) }
        clock.mark("walk and read \(fileCount) files")
        var builder = GraphBuilder()
        for entry in fragments { builder.add(entry.fragment) }
        var built = builder.build()
        let added = extra(built.graph)
        if !added.isEmpty {
            builder = GraphBuilder()
            for entry in fragments { builder.add(entry.fragment) }
            for fragment in added { builder.add(fragment) }
            built = builder.build()
        }
        clock.mark("build \(built.graph.nodes.count) nodes, \(built.graph.edgeCount) edges")
        return Result(
            graph: built.graph, warnings: warningsOfWalk + built.warnings, filesSeen: fileCount,
            filesRead: fragments.count)
    }

    /// Reads one file: its head to recognise it, then as much as its reader needs. Nil for files no reader claims.
    /// - Parameters:
    ///   - folder: an open folder holding the file, which is then opened by `name` in it (one path component for
    ///     the kernel to resolve, not the whole path); `AT_FDCWD` to open `listed.path`.
    static func readFile(
        _ listed: InventoryFile, head: inout [UInt8], limits: InventoryLimits, budget: ReadBudget,
        in folder: Int32 = AT_FDCWD, name: [UInt8]? = nil
    ) -> InventoryFragment? {
        let opened: RegularFile
        do {
            opened = try RegularFile(opening: name ?? Array(listed.path.utf8), in: folder, positionalReadsOnly: true)
        } catch {
            // A file listed by the walk that cannot be opened (permissions, gone) may be a manifest whose edges
            // would change the answer: not read, so the run stops. One that is no longer a regular file is not
            // something Stemma reads.
            if case .system = error { return .notFullyRead(listed.path, error.reason + "; not read") }
            return .warning(listed.path, error.reason)
        }
        let descriptor = opened.descriptor
        var file = listed
        if file.size < 0 { file.size = opened.size }
        // Reading stops at the size `fstat` gave, so a small file costs one `pread`, not a second one to find its end.
        let headCount = readFully(descriptor, into: &head, count: head.count, offset: 0, knownSize: opened.size)
        let headBytes = Array(head.prefix(headCount))
        guard let reader = InventoryFormats.readers.first(where: { $0.recognizes(path: file.path, head: headBytes) })
        else {
            return misnamed(file.path, size: file.size)
        }
        if let headerReader = reader as? any HeaderOnlyReader.Type {
            return readHeader(
                headerReader, path: file.path, head: headBytes, size: file.size, descriptor: descriptor, budget: budget)
        }
        var wanted = Int(min(file.size, Int64(limits.maxDocumentBytes)))
        if reader == HuggingFaceCardReader.self {
            wanted = min(wanted, limits.maxCardBytes)
        } else if file.size > Int64(limits.maxDocumentBytes) {
            return .notFullyRead(
                file.path,
                "is \(file.size) bytes, over the \(limits.maxDocumentBytes)-byte limit for a \(reader.formatName) document; not read"
            )
        }
        // A card is read only as far as its front matter can reach; the reader is told the file's size, so front
        // matter that runs past the bytes read is "not read in full", never a silent cut.
        let fileSize = Int(clamping: file.size)
        func parse(_ bytes: [UInt8]) -> InventoryFragment {
            reader == HuggingFaceCardReader.self
                ? HuggingFaceCardReader.read(path: file.path, bytes: bytes, fileSize: fileSize)
                : reader.read(path: file.path, bytes: bytes)
        }
        if wanted <= headCount { return parse(Array(headBytes.prefix(wanted))) }
        return budget.withReservation(wanted) {
            var bytes = [UInt8](repeating: 0, count: wanted)
            let count = readFully(descriptor, into: &bytes, count: wanted, offset: 0)
            bytes.removeSubrange(count...)
            return parse(bytes)
        }
    }

    /// Names that only a format Stemma reads uses (and `requirements*.txt`). Such a file whose content no reader recognised (a `uv.lock` cut
    /// to garbage, a `stemma.yaml` without its marker) was skipped without a word, dropping its agent's edges.
    static let claimedNames: Set<String> = [
        "stemma.yaml", "stemma.yml", "uv.lock", "poetry.lock", "pylock.toml", "model.sig", ".mcp.json",
        "claude_desktop_config.json",
    ]

    /// Not read for a file named like one of ``claimedNames`` (and not empty); nil otherwise.
    static func misnamed(_ path: String, size: Int64) -> InventoryFragment? {
        let name = FormatReaderSupport.fileName(of: path)
        guard size > 0, claimedNames.contains(name) || RequirementsReader.isRequirementsName(path) else { return nil }
        return .notFullyRead(
            path, "is named like a file Stemma reads, but its content is not one it recognises; not read")
    }

    /// Grows the prefix a header reader asks for. A grown prefix over 1 MiB is reserved in `budget` (the previous
    /// reservation released first, so a reader never waits while holding one) until the header is parsed.
    private static func readHeader(
        _ headerReader: any HeaderOnlyReader.Type, path: String, head headBytes: [UInt8], size: Int64,
        descriptor: Int32, budget: ReadBudget
    ) -> InventoryFragment {
        var held = 0
        defer { budget.release(held) }
        let prefix = headerReader.prefix(head: headBytes, fileSize: Int(clamping: size)) { length in
            budget.release(held)
            held = 0
            held = budget.reserve(length)
            // Read first, then cut: `bytes.prefix(readFully(into: &bytes))` would take the prefix of the
            // zero-filled array, since Swift evaluates the receiver before the argument that writes to it.
            var bytes = [UInt8](repeating: 0, count: length)
            let count = readFully(descriptor, into: &bytes, count: length, offset: 0)
            bytes.removeSubrange(count...)
            return bytes
        }
        return headerReader.read(path: path, bytes: prefix)
    }

    /// Byte order of two paths, by `memcmp` (the generic `lexicographicallyPrecedes` over UTF-8 views was 3 % of
    /// reading a fleet).
    static func bytesPrecede(_ first: String, _ second: String) -> Bool {
        var (first, second) = (first, second)
        return first.withUTF8 { left in
            second.withUTF8 { right in
                let common = min(left.count, right.count)
                let order = common == 0 ? 0 : memcmp(left.baseAddress!, right.baseAddress!, common)
                return order != 0 ? order < 0 : left.count < right.count
            }
        }
    }

    private static func readFully(
        _ descriptor: Int32, into buffer: inout [UInt8], count: Int, offset: Int, knownSize: Int64 = .max
    ) -> Int {
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset + filled))
            }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            filled += got
            if knownSize > 0, Int64(offset + filled) >= knownSize { break }
        }
        return filled
    }
}
