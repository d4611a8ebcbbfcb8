import Dispatch
public import StemmaCore
public import StemmaGraph
import Synchronization

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
    public func read(_ paths: [String]) -> Result {
        let (files, walkWarnings) = InventoryWalker(limits: limits).walk(paths)
        let slots = FragmentSlots(count: files.count)
        let next = Atomic<Int>(0)
        let limits = self.limits
        let workers = min(ProcessorCount.online, max(1, files.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            var head = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < files.count else { break }
                slots.store(Self.readFile(files[index], head: &head, limits: limits), at: index)
            }
        }
        var builder = GraphBuilder()
        var warnings = walkWarnings
        var recognised = 0
        for fragment in slots.fragments() {
            guard let fragment else { continue }
            recognised += 1
            builder.add(fragment)
        }
        let built = builder.build()
        warnings += built.warnings
        return Result(graph: built.graph, warnings: warnings, filesSeen: files.count, filesRead: recognised)
    }

    /// Reads one file: its head to recognise it, then as much as its reader needs. Nil for files no reader claims.
    static func readFile(_ file: InventoryFile, head: inout [UInt8], limits: InventoryLimits) -> InventoryFragment? {
        let descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            return .warning(file.path, "cannot be opened: \(SystemCallError(errno: errno))")
        }
        defer { close(descriptor) }
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

/// One slot per file, each written by exactly one worker.
///
/// `@unchecked Sendable`: slots never overlap and are read only after `concurrentPerform` returns.
private final class FragmentSlots: @unchecked Sendable {
    private var slots: [InventoryFragment?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func store(_ fragment: InventoryFragment?, at index: Int) {
        slots.withUnsafeMutableBufferPointer { $0[index] = fragment }
    }
    func fragments() -> [InventoryFragment?] { slots }
}
