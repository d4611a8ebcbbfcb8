import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Lists the files under an inventory folder, bounded in depth and count, never following symbolic links.
enum PostureFiles {
    static let maxFiles = 200_000
    static let maxDepth = 32
    static let skippedFolders: Set<String> = [".git", "node_modules", "__pycache__", ".venv", "venv", ".build"]

    /// Relative paths (sorted) of the regular files under `root`, and warnings for what was not read.
    static func list(root: String) throws(StemmaError) -> (files: [String], warnings: [String]) {
        var status = stat()
        guard stat(root, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
            throw StemmaError(.io, "'\(root)' is not a readable folder")
        }
        var files: [String] = []
        var warnings: [String] = []
        var pending: [(relative: String, depth: Int)] = [("", 0)]
        while let (folder, depth) = pending.popLast() {
            guard depth <= maxDepth else {
                warnings.append("'\(folder)' is nested deeper than \(maxDepth) folders; not read")
                continue
            }
            guard let directory = opendir(folder.isEmpty ? root : root + "/" + folder) else {
                warnings.append("'\(folder)' cannot be read")
                continue
            }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                    pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                if name == "." || name == ".." { continue }
                let relative = folder.isEmpty ? name : folder + "/" + name
                var entryStatus = stat()
                guard lstat(root + "/" + relative, &entryStatus) == 0 else { continue }
                switch entryStatus.st_mode & S_IFMT {
                case S_IFDIR where !skippedFolders.contains(name): pending.append((relative, depth + 1))
                case S_IFREG: files.append(relative)
                case S_IFLNK: warnings.append("'\(relative)' is a symbolic link; not read")
                default: continue
                }
                guard files.count <= maxFiles else {
                    throw StemmaError(.limitExceeded, "'\(root)' holds more than \(maxFiles) files")
                }
            }
        }
        return (files.sorted(), warnings)
    }

    /// The policy files at `path`: the file itself, or the `.yaml`/`.yml` files of a folder (not recursive).
    static func policyFiles(at path: String) throws(StemmaError) -> [String] {
        var status = stat()
        guard stat(path, &status) == 0 else { throw StemmaError(.io, "cannot read the policy '\(path)'") }
        if status.st_mode & S_IFMT != S_IFDIR { return [path] }
        guard let directory = opendir(path) else { throw StemmaError(.io, "cannot read the policy folder '\(path)'") }
        defer { closedir(directory) }
        var result: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            guard name.hasSuffix(".yaml") || name.hasSuffix(".yml") else { continue }
            result.append(path + "/" + name)
            guard result.count <= 10_000 else { throw StemmaError(.limitExceeded, "too many policy files") }
        }
        return result.sorted()
    }
}
