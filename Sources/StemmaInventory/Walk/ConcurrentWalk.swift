internal import Dispatch
internal import StemmaCore
import StemmaGraph
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Walks inventory folders and reads their files on every core at once, with the same bounds as
/// ``InventoryWalker`` (depth, file count, links that stay in the root, skipped folders).
///
/// Each worker takes a folder, lists it, queues its subfolders, and reads its files by name in the open folder
/// (`openat`), so the kernel resolves one path component per file instead of the whole path. A folder with many
/// files (5,000 BOMs side by side) is split into chunks that every worker takes. On a 155,000-file hub cache this
/// replaced a single walker thread feeding the readers, whose full-path opens and hand-overs were a third of the
/// run's CPU time. Which worker reads what depends on timing, so the caller orders results by path and the walk's
/// warnings come back sorted.
struct ConcurrentWalk {
    let limits: InventoryLimits
    let progress: InventoryProgress?

    /// What the walk read.
    struct Outcome {
        /// The fragments of the files a reader claimed, with their paths (in no particular order).
        var read: [(path: String, fragment: InventoryFragment)]
        /// The walk's own warnings (unreadable folders, links leaving the root, limits), sorted by path.
        var warnings: [InventoryWarning]
        /// Files listed.
        var files: Int
    }

    /// Reads one file: its listing, the worker's head buffer, the open folder holding it (`AT_FDCWD` for a root
    /// given as a file) and its name there (nil: open the listed path).
    typealias Reader = @Sendable (InventoryFile, inout [UInt8], Int32, [UInt8]?) -> InventoryFragment?

    /// Files of one folder read as one job: small enough that a folder of thousands of files spreads over the cores.
    static let chunkSize = 16

    func run(_ roots: [String], read: @escaping Reader) -> Outcome {
        let state = WalkState(limits: limits, progress: progress, roots: roots)
        var first: [WalkTask] = []
        for (index, root) in roots.enumerated() {
            var status = stat()
            guard stat(root, &status) == 0 else {
                state.warn(root, "cannot be read: \(SystemCallError(errno: errno))")
                continue
            }
            if status.st_mode & S_IFMT == S_IFREG {
                state.listed(1)
                first.append(.files(nil, [WalkEntry(name: nil, path: root, size: Int64(status.st_size))], root: index))
            } else if status.st_mode & S_IFMT == S_IFDIR {
                let path = root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root
                first.append(.folder(parent: nil, name: [], path: path, depth: 0, root: index))
            } else {
                state.warn(root, "is \(RegularFile.kind(of: status.st_mode)), neither a file nor a folder")
            }
        }
        var collected: [(path: String, fragment: InventoryFragment)] = []
        if !first.isEmpty {
            let pool = TaskPool<WalkTask>()
            pool.add(first)
            let workers = ProcessorCount.online
            let results = ParallelMap.map(count: workers, workers: workers) { _ in
                var head = [UInt8](repeating: 0, count: 64 << 10)
                var listing = [UInt8](repeating: 0, count: 32 << 10)
                var local: [(path: String, fragment: InventoryFragment)] = []
                while let task = pool.next() {
                    switch task {
                    case .folder(let parent, let name, let path, let depth, let root):
                        let found = state.list(
                            path, in: parent, name: name, depth: depth, root: root, pool: pool, buffer: &listing)
                        if let files = found {
                            Self.readFiles(files.entries, in: files.folder, head: &head, into: &local, read: read)
                        }
                    case .files(let folder, let entries, _):
                        Self.readFiles(entries, in: folder, head: &head, into: &local, read: read)
                    }
                    pool.finished()
                }
                return local
            }
            for part in results { collected += part }
        }
        return Outcome(read: collected, warnings: state.sortedWarnings(), files: state.filesListed)
    }

    private static func readFiles(
        _ entries: [WalkEntry], in folder: OpenFolder?, head: inout [UInt8],
        into results: inout [(path: String, fragment: InventoryFragment)], read: Reader
    ) {
        for entry in entries {
            let fragment = read(
                InventoryFile(path: entry.path, size: entry.size), &head, folder?.descriptor ?? AT_FDCWD,
                folder == nil ? nil : entry.name)
            if let fragment { results.append((entry.path, fragment)) }
        }
    }
}

/// A file found by the walk: its name in its folder and the path shown in evidence and warnings.
struct WalkEntry: Sendable {
    var name: [UInt8]?
    var path: String
    /// -1 until `fstat` on open, except for links (the target's size).
    var size: Int64
}

/// A folder to list, or files of a listed folder to read.
enum WalkTask: Sendable {
    /// A folder, opened by `name` in `parent` (one path component for the kernel to resolve) or, for a root, by
    /// `path`.
    case folder(parent: OpenFolder?, name: [UInt8], path: String, depth: Int, root: Int)
    case files(OpenFolder?, [WalkEntry], root: Int)
}

/// A listed folder kept open while its files and subfolders are opened by name in it; closed when the last job
/// holding it ends.
final class OpenFolder: Sendable {
    let descriptor: Int32

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Opens a folder: `name` in `parent` without following a link (the listing said folder; a link swapped in
    /// since is refused), or `path` for a root.
    static func open(_ path: String, in parent: OpenFolder?, name: [UInt8]) -> OpenFolder? {
        let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK | (parent == nil ? 0 : O_NOFOLLOW)
        let target = parent == nil ? Array(path.utf8) : name
        var descriptor: Int32
        repeat {
            descriptor = (target + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) {
                    openat(parent?.descriptor ?? AT_FDCWD, $0.baseAddress!, flags)
                }
            }
        } while descriptor < 0 && errno == EINTR
        return descriptor < 0 ? nil : OpenFolder(descriptor)
    }
}

/// The entries of an open folder by `getdents64`, which Swift does not import: looked up in the C library at
/// start (glibc 2.30 and later). `opendir` costs an `fstat` per folder more, 200,000 on a hub cache.
enum FolderEntries {
    private typealias GetDents = @convention(c) (Int32, UnsafeMutableRawPointer?, Int) -> Int
    private static let getdents: GetDents? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "getdents64").map {
        unsafeBitCast($0, to: GetDents.self)
    }

    /// Calls `body` with each entry's name and type (`DT_*`); false when the folder cannot be listed.
    static func forEach(
        _ folder: OpenFolder, buffer: inout [UInt8], _ body: (_ name: [UInt8], _ type: Int32) -> Void
    ) -> Bool {
        guard let getdents else { return forEachByReaddir(folder, body) }
        while true {
            let count = buffer.withUnsafeMutableBytes { getdents(folder.descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return count == 0 }
            var offset = 0
            // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name (NUL-terminated).
            while offset + 19 < count {
                let length = Int(buffer[offset + 16]) | Int(buffer[offset + 17]) << 8
                guard length > 19, offset + length <= count else { return false }
                let nameStart = offset + 19
                var nameEnd = nameStart
                while nameEnd < offset + length, buffer[nameEnd] != 0 { nameEnd += 1 }
                body(Array(buffer[nameStart..<nameEnd]), Int32(buffer[offset + 18]))
                offset += length
            }
        }
    }

    private static func forEachByReaddir(
        _ folder: OpenFolder, _ body: (_ name: [UInt8], _ type: Int32) -> Void
    ) -> Bool {
        let copy = dup(folder.descriptor)
        guard copy >= 0, let stream = fdopendir(copy) else {
            if copy >= 0 { close(copy) }
            return false
        }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: UInt8.self, capacity: 256) {
                    Array(
                        UnsafeBufferPointer(
                            start: $0, count: strlen(UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))))
                }
            }
            body(name, Int32(entry.pointee.d_type))
        }
        return true
    }
}

/// The walk's shared counters and warnings.
private final class WalkState: Sendable {
    let limits: InventoryLimits
    let progress: InventoryProgress?
    let roots: [String]
    /// Each root's real path, for the check that links stay inside it.
    let realRoots: [String]
    private let listedFiles = Atomic<Int>(0)
    private let warnings = LockedValue<[InventoryWarning]>([])
    private let overflowed = LockedValue<Set<Int>>([])

    init(limits: InventoryLimits, progress: InventoryProgress?, roots: [String]) {
        self.limits = limits
        self.progress = progress
        self.roots = roots
        realRoots = roots.map { FileSystemPath.resolved($0) ?? $0 }
    }

    var filesListed: Int { listedFiles.load(ordering: .relaxed) }

    /// Every warning of the walk itself says something below a root was not read (a folder too deep, past the
    /// file limit, or one that cannot be opened or listed), so each marks the inventory incomplete: impact, graph
    /// and bom then exit 2 rather than answer without it.
    func warn(_ source: String, _ message: String) {
        warnings.withLock { $0.append(InventoryWarning(source: source, message: message, incomplete: true)) }
    }

    func listed(_ count: Int) {
        listedFiles.add(count, ordering: .relaxed)
        progress?.listed(count)
    }

    func sortedWarnings() -> [InventoryWarning] {
        warnings.withLock { $0 }.sorted {
            $0.source != $1.source ? Inventory.bytesPrecede($0.source, $1.source) : $0.message < $1.message
        }
    }

    /// Over the file limit: one warning per root, and nothing more is listed.
    private func overLimit(root: Int) -> Bool {
        guard listedFiles.load(ordering: .relaxed) > limits.maxFiles else { return false }
        if overflowed.withLock({ $0.insert(root).inserted }) {
            warn(roots[root], "holds more than \(limits.maxFiles) files; the rest are not read")
        }
        return true
    }

    /// Lists a folder: queues its subfolders and all but the first chunk of its files, and returns that chunk for
    /// the caller to read while the folder is open.
    func list(
        _ path: String, in parent: OpenFolder?, name folderName: [UInt8], depth: Int, root: Int,
        pool: TaskPool<WalkTask>, buffer: inout [UInt8]
    ) -> (folder: OpenFolder, entries: [WalkEntry])? {
        guard depth <= limits.maxDepth else {
            warn(path, "is nested deeper than \(limits.maxDepth) folders; not read")
            return nil
        }
        guard !overLimit(root: root) else { return nil }
        guard let folder = OpenFolder.open(path, in: parent, name: folderName) else {
            warn(path, "cannot be read: \(SystemCallError(errno: errno))")
            return nil
        }
        var files: [WalkEntry] = []
        var subfolders: [WalkTask] = []
        let listed = FolderEntries.forEach(folder, buffer: &buffer) { name, type in
            if name == [UInt8(ascii: ".")] || name == [UInt8(ascii: "."), UInt8(ascii: ".")] { return }
            let text = String(decoding: name, as: UTF8.self)
            let child = path + "/" + text
            switch type {
            case Int32(DT_DIR):
                if !InventoryWalker.skippedFolders.contains(text) {
                    subfolders.append(.folder(parent: folder, name: name, path: child, depth: depth + 1, root: root))
                }
            case Int32(DT_REG):
                files.append(WalkEntry(name: name, path: child, size: -1))
            case Int32(DT_LNK):
                switch InventoryWalker.linkedFile(child, rootReal: realRoots[root]) {
                case .file(let size): files.append(WalkEntry(name: name, path: child, size: size))
                case .outside(let warning): warnings.withLock { $0.append(warning) }
                case .other: return
                }
            case Int32(DT_UNKNOWN):
                var status = stat()
                let found = (name + [0]).withUnsafeBufferPointer {
                    $0.withMemoryRebound(to: CChar.self) {
                        fstatat(folder.descriptor, $0.baseAddress!, &status, AT_SYMLINK_NOFOLLOW) == 0
                    }
                }
                guard found else { return }
                if status.st_mode & S_IFMT == S_IFDIR, !InventoryWalker.skippedFolders.contains(text) {
                    subfolders.append(.folder(parent: folder, name: name, path: child, depth: depth + 1, root: root))
                }
                if status.st_mode & S_IFMT == S_IFREG {
                    files.append(WalkEntry(name: name, path: child, size: Int64(status.st_size)))
                }
            case Int32(DT_FIFO), Int32(DT_SOCK), Int32(DT_CHR), Int32(DT_BLK):
                // Never opened (a pipe would block a reader); said, so nobody takes it for a file that was read.
                let kind = type == Int32(DT_FIFO) ? "a named pipe" : type == Int32(DT_SOCK) ? "a socket" : "a device"
                warnings.withLock {
                    $0.append(InventoryWarning(source: child, message: "is \(kind), not a regular file; not read"))
                }
            default:
                return
            }
        }
        if !listed { warn(path, "cannot be read: \(SystemCallError(errno: errno))") }
        // The count is checked per folder: a folder is listed whole or, past the limit, not at all.
        let total = listedFiles.add(files.count, ordering: .relaxed).newValue
        progress?.listed(files.count)
        if total > limits.maxFiles {
            let over = total - limits.maxFiles
            files.removeLast(min(over, files.count))
            _ = overLimit(root: root)
        }
        pool.add(subfolders)
        let chunks = stride(from: Self.chunk, to: files.count, by: Self.chunk).map {
            WalkTask.files(folder, Array(files[$0..<min($0 + Self.chunk, files.count)]), root: root)
        }
        pool.add(chunks)
        return (folder, Array(files.prefix(Self.chunk)))
    }

    private static let chunk = ConcurrentWalk.chunkSize
}

/// Jobs that workers take while adding more (a folder's subfolders): the walk ends when every job added has
/// finished and none is left. Workers block on a semaphore, never poll; the last job to finish wakes them all.
final class TaskPool<Task: Sendable>: Sendable {
    private struct State: Sendable {
        var tasks: [Task] = []
        /// Jobs added and not yet finished (queued or running).
        var open = 0
    }

    private let state = LockedValue(State())
    private let ready = DispatchSemaphore(value: 0)

    func add(_ tasks: [Task]) {
        guard !tasks.isEmpty else { return }
        state.withLock {
            $0.tasks += tasks
            $0.open += tasks.count
        }
        for _ in tasks { ready.signal() }
    }

    /// The next job (the most recently added, so a folder's files are read while it is open), or nil once all are
    /// finished.
    func next() -> Task? {
        ready.wait()
        let task = state.withLock { $0.tasks.popLast() }
        // A wake-up without a job is the end: pass it on to the next sleeping worker.
        if task == nil { ready.signal() }
        return task
    }

    /// Marks a job taken with ``next()`` as done (after it added its own jobs).
    func finished() {
        let last = state.withLock {
            $0.open -= 1
            return $0.open == 0
        }
        if last { ready.signal() }
    }
}
