import StemmaCore
import StemmaGraph

#if canImport(Glibc)
    import Glibc
#endif

/// Lists the files of inventory paths with `opendir`/`readdir` and `d_type` (ten times faster than FileManager on
/// a 155,000-file hub cache), bounded in depth and count, never leaving a root through a symbolic link.
struct InventoryWalker {
    let limits: InventoryLimits

    /// Folders that never hold metadata Stemma reads, or that hold copies of what it reads elsewhere
    /// (`blobs` in the hub cache are the content the `snapshots` links point at).
    static let skippedFolders: Set<String> = [
        ".git", "node_modules", "__pycache__", ".venv", "venv", "blobs", ".build",
    ]

    /// Lists every file under `roots`. `publish` receives the files found so far after each folder, so readers
    /// can start before the walk ends (on a hub cache the walk is a quarter of the work).
    func walk(
        _ roots: [String], publish: ([InventoryFile]) -> Void = { _ in }
    ) -> (files: [InventoryFile], warnings: [InventoryWarning]) {
        var files: [InventoryFile] = []
        var warnings: [InventoryWarning] = []
        for root in roots {
            var status = stat()
            guard stat(root, &status) == 0 else {
                warnings.append(
                    InventoryWarning(source: root, message: "cannot be read: \(SystemCallError(errno: errno))"))
                continue
            }
            if status.st_mode & S_IFMT == S_IFREG {
                files.append(InventoryFile(path: root, size: Int64(status.st_size)))
                publish([files[files.count - 1]])
                continue
            }
            guard status.st_mode & S_IFMT == S_IFDIR else {
                let kind = RegularFile.kind(of: status.st_mode)
                warnings.append(InventoryWarning(source: root, message: "is \(kind), neither a file nor a folder"))
                continue
            }
            let rootReal = FileSystemPath.resolved(root) ?? root
            walkFolder(
                root.hasSuffix("/") && root.count > 1 ? String(root.dropLast()) : root, rootReal: rootReal,
                files: &files, warnings: &warnings, publish: publish)
        }
        return (files, warnings)
    }

    private func walkFolder(
        _ root: String, rootReal: String, files: inout [InventoryFile], warnings: inout [InventoryWarning],
        publish: ([InventoryFile]) -> Void
    ) {
        var pending: [(path: String, depth: Int)] = [(root, 0)]
        while let (folder, depth) = pending.popLast() {
            guard depth <= limits.maxDepth else {
                warnings.append(
                    InventoryWarning(
                        source: folder, message: "is nested deeper than \(limits.maxDepth) folders; not read",
                        incomplete: true))
                continue
            }
            guard let directory = opendir(folder) else {
                // A folder below the root that cannot be listed may hold manifests: not read, so the run stops.
                warnings.append(
                    InventoryWarning(
                        source: folder, message: "cannot be read: \(SystemCallError(errno: errno)); not read",
                        incomplete: true))
                continue
            }
            let firstNew = files.count
            defer {
                closedir(directory)
                if files.count > firstNew { publish(Array(files[firstNew...])) }
            }
            while let entry = readdir(directory) {
                let name = Self.name(of: entry)
                if name == "." || name == ".." { continue }
                let path = folder + "/" + name
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_DIR):
                    if !Self.skippedFolders.contains(name) { pending.append((path, depth + 1)) }
                case Int32(DT_REG):
                    // The size is read with fstat when the file is opened: one system call less per file, which
                    // matters on a 155,000-file inventory where metadata calls dominate.
                    files.append(InventoryFile(path: path, size: -1))
                case Int32(DT_LNK):
                    switch Self.linkedFile(path, rootReal: rootReal) {
                    case .file(let size): files.append(InventoryFile(path: path, size: size))
                    case .outside(let warning): warnings.append(warning)
                    case .other: continue
                    }
                case Int32(DT_UNKNOWN):
                    var status = stat()
                    guard lstat(path, &status) == 0 else { continue }
                    if status.st_mode & S_IFMT == S_IFDIR, !Self.skippedFolders.contains(name) {
                        pending.append((path, depth + 1))
                    }
                    if status.st_mode & S_IFMT == S_IFREG {
                        files.append(InventoryFile(path: path, size: Int64(status.st_size)))
                    }
                default:
                    continue
                }
                if files.count > limits.maxFiles {
                    warnings.append(
                        InventoryWarning(
                            source: root, message: "holds more than \(limits.maxFiles) files; the rest are not read",
                            incomplete: true))
                    return
                }
            }
        }
    }

    /// What a symbolic link found in a walk leads to.
    enum LinkTarget {
        case file(size: Int64)
        case outside(InventoryWarning)
        case other
    }

    /// The hub cache links snapshot files to blobs; links are followed only while they stay in the root.
    static func linkedFile(_ path: String, rootReal: String) -> LinkTarget {
        guard let target = FileSystemPath.resolved(path), target.hasPrefix(rootReal + "/") else {
            return .outside(
                InventoryWarning(source: path, message: "is a symbolic link that leaves the inventory folder; not read")
            )
        }
        var status = stat()
        guard stat(target, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return .other }
        return .file(size: Int64(status.st_size))
    }

    private static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: &entry.pointee.d_name) { pointer in
            pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
    }
}
