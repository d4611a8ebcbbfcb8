internal import StemmaCore
public import StemmaGraph

#if canImport(Glibc)
    import Glibc
#endif

/// Reads inventory paths (folders and files) into a ``Graph``: walks them, recognises each file by content, reads
/// files in parallel on every core, and assembles the fragments in a stable order.
public struct Inventory: Sendable {
    public var limits: InventoryLimits

    public init(limits: InventoryLimits = InventoryLimits()) { self.limits = limits }

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
    /// The walk runs on its own thread and hands out files folder by folder while every core reads and parses
    /// them, so listing 155,000 files overlaps with reading them. Fragments are then put in path order, so the
    /// graph (and which document's properties win) never depends on timing.
    /// - Parameters:
    ///   - paths: folders and files to read.
    ///   - extra: fragments that did not come from a file (a bundle's recomputed digests), made from the graph of the
    ///     files and added after their fragments; the graph is then rebuilt in memory, nothing is read twice.
    public func read(_ paths: [String], adding extra: (Graph) -> [InventoryFragment] = { _ in [] }) -> Result {
        var clock = PhaseClock()
        let feed = WorkFeed<InventoryFile>()
        let walkWarnings = LockedValue<[InventoryWarning]>([])
        let limits = self.limits
        let walker = JoinableThread {
            let (_, warnings) = InventoryWalker(limits: limits).walk(paths) { found in feed.add(found) }
            walkWarnings.withLock { $0 = warnings }
            feed.finish()
        }
        if walker == nil {  // no thread to spare: walk first, then read
            let (files, warnings) = InventoryWalker(limits: limits).walk(paths)
            feed.add(files)
            walkWarnings.withLock { $0 = warnings }
            feed.finish()
        }
        let read = ParallelMap.collect(
            from: feed, makeWorker: { [UInt8](repeating: 0, count: 64 << 10) },
            { head, file in Self.readFile(file, head: &head, limits: limits).map { (path: file.path, fragment: $0) } })
        walker?.join()
        let fileCount = feed.count
        let warningsOfWalk = walkWarnings.withLock { $0 }
        var fragments = read.map(\.result)
        fragments.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
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
    static func readFile(_ listed: InventoryFile, head: inout [UInt8], limits: InventoryLimits) -> InventoryFragment? {
        let opened: RegularFile
        do {
            opened = try RegularFile(opening: Array(listed.path.utf8))
        } catch {
            return .warning(listed.path, error.reason)
        }
        let descriptor = opened.descriptor
        var file = listed
        if file.size < 0 { file.size = opened.size }
        let headCount = readFully(descriptor, into: &head, count: head.count, offset: 0)
        let headBytes = Array(head.prefix(headCount))
        guard let reader = InventoryFormats.readers.first(where: { $0.recognizes(path: file.path, head: headBytes) })
        else {
            return nil
        }
        if let headerReader = reader as? any HeaderOnlyReader.Type {
            let prefix = headerReader.prefix(head: headBytes, fileSize: Int(clamping: file.size)) { length in
                var bytes = [UInt8](repeating: 0, count: length)
                return Array(bytes.prefix(readFully(descriptor, into: &bytes, count: length, offset: 0)))
            }
            return reader.read(path: file.path, bytes: prefix)
        }
        var wanted = Int(min(file.size, Int64(limits.maxDocumentBytes)))
        if reader == HuggingFaceCardReader.self {
            wanted = min(wanted, limits.maxCardBytes)
        } else if file.size > Int64(limits.maxDocumentBytes) {
            return .warning(
                file.path,
                "is \(file.size) bytes, over the \(limits.maxDocumentBytes)-byte limit for a \(reader.formatName) document; not read"
            )
        }
        if wanted <= headCount { return reader.read(path: file.path, bytes: Array(headBytes.prefix(wanted))) }
        var bytes = [UInt8](repeating: 0, count: wanted)
        let count = readFully(descriptor, into: &bytes, count: wanted, offset: 0)
        return reader.read(path: file.path, bytes: Array(bytes.prefix(count)))
    }

    private static func readFully(_ descriptor: Int32, into buffer: inout [UInt8], count: Int, offset: Int) -> Int {
        var filled = 0
        while filled < count {
            let got = buffer.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, count - filled, off_t(offset + filled))
            }
            if got < 0 && errno == EINTR { continue }
            if got <= 0 { break }
            filled += got
        }
        return filled
    }
}
