import StemmaArchive
import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Lists a model folder's regular files with `opendir`/`readdir` (ten times faster than FileManager's enumerator
/// on big trees), without following links out of it.
///
/// Symbolic links, special files and names that are not UTF-8 become findings; nothing outside the root is
/// ever opened. The walk is bounded in depth and file count.
struct FolderScanner {
    let root: String
    let ignore: IgnoreRules
    let allowSymlinks: Bool
    var maxFiles = 2_000_000
    var maxDepth = 128

    struct Listing {
        var files: [ModelFile] = []
        var findings: [Finding] = []
        /// Ignored entries (not descended into), so a name spelled like an ignored one is still found ambiguous.
        var ignoredNames: [String] = []
    }

    func scan() throws(StemmaError) -> Listing {
        guard let rootReal = FileSystemPath.resolved(root) else { throw StemmaError.io("resolve", root, errno: errno) }
        var listing = Listing()
        var pending: [(relative: String, depth: Int)] = [("", 0)]
        while let (relative, depth) = pending.popLast() {
            guard depth <= maxDepth else {
                throw StemmaError(
                    .limitExceeded, "'\(root)' is nested more than \(maxDepth) folders deep at '\(relative)'")
            }
            let folder = relative.isEmpty ? root : root + "/" + relative
            guard let directory = opendir(folder) else { throw StemmaError.io("read the folder", folder, errno: errno) }
            defer { closedir(directory) }
            let descriptor = dirfd(directory)
            while let entry = readdir(directory) {
                let raw = Self.name(of: entry)
                if raw == [UInt8(ascii: ".")] || raw == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
                guard let name = String(validating: raw, as: UTF8.self) else {
                    let shown = (relative.isEmpty ? "" : relative + "/") + ArchivePath.display(raw)
                    listing.findings.append(
                        Finding(
                            .nonUTF8Name, "'\(shown)' has a name that is not UTF-8, so no signature can cover it",
                            path: shown))
                    continue
                }
                let child = relative.isEmpty ? name : relative + "/" + name
                if ignore.isIgnored(child) {
                    listing.ignoredNames.append(child)
                    continue
                }
                var status = stat()
                guard fstatat(descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
                    throw StemmaError.io("stat", root + "/" + child, errno: errno)
                }
                switch status.st_mode & S_IFMT {
                case S_IFDIR:
                    pending.append((child, depth + 1))
                case S_IFREG:
                    listing.files.append(file(child, status, followsLink: false))
                case S_IFLNK:
                    if let file = try symlink(child, rootReal: rootReal, findings: &listing.findings) {
                        listing.files.append(file)
                    }
                default:
                    listing.findings.append(
                        Finding(
                            .notRegularFile, "'\(child)' is not a regular file or folder (a FIFO, socket or device)",
                            path: child))
                }
                guard listing.files.count <= maxFiles else {
                    throw StemmaError(.limitExceeded, "'\(root)' holds more than \(maxFiles) files")
                }
            }
        }
        return listing
    }

    private func file(_ name: String, _ status: stat, followsLink: Bool) -> ModelFile {
        let identity = FileIdentity(status)
        return ModelFile(
            name: name, path: root + "/" + name, size: identity.size, modificationTime: identity.modificationTime,
            followsLink: followsLink)
    }

    /// A link becomes a file only when the signature allows links and it resolves to a regular file inside the model.
    private func symlink(_ name: String, rootReal: String, findings: inout [Finding]) throws(StemmaError) -> ModelFile?
    {
        let fullPath = root + "/" + name
        guard allowSymlinks else {
            findings.append(
                Finding(.symlink, "'\(name)' is a symbolic link, and the signature does not allow links", path: name))
            return nil
        }
        guard let target = FileSystemPath.resolved(fullPath) else {
            findings.append(Finding(.symlinkEscape, "'\(name)' is a symbolic link that does not resolve", path: name))
            return nil
        }
        guard target.hasExactPrefix(rootReal + "/") else {
            findings.append(
                Finding(.symlinkEscape, "'\(name)' is a symbolic link to '\(target)', outside the model", path: name))
            return nil
        }
        var status = stat()
        guard stat(target, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            findings.append(
                Finding(.symlink, "'\(name)' is a symbolic link to something other than a regular file", path: name))
            return nil
        }
        return file(name, status, followsLink: true)
    }

    private static func name(of entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
        withUnsafePointer(to: &entry.pointee.d_name) { pointer in
            pointer.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                Array(
                    UnsafeBufferPointer(
                        start: bytes, count: strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))))
            }
        }
    }
}
