#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file by writing a temporary sibling and renaming it, so a reader never sees half a signature.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically. A character device (`/dev/null`, `/dev/stdout`) or a named pipe already
    /// at `path` is written to directly instead: renaming over it would replace the device node itself (as root,
    /// `-o /dev/null` would leave a regular file where every program expects the null device). A pipe without a
    /// reader fails rather than blocks.
    /// - Throws: ``StemmaError`` `.io` naming the file.
    public static func write(_ bytes: [UInt8], to path: String) throws(StemmaError) {
        var status = stat()
        if lstat(path, &status) == 0 {
            switch status.st_mode & S_IFMT {
            case S_IFCHR, S_IFIFO: return try writeInPlace(bytes, to: path)
            case S_IFDIR: throw StemmaError(.io, "cannot write '\(path)': it is a folder")
            case S_IFSOCK, S_IFBLK: throw StemmaError(.io, "cannot write '\(path)': it is not a regular file")
            default: break
            }
        }
        let temporary = path + ".tmp-\(getpid())"
        // A new file or nothing: whatever already sits at the temporary name (a named pipe would block a plain
        // open, a link would redirect the write) makes the write fail instead.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StemmaError.io("create", temporary, errno: errno) }
        do {
            try writeAll(bytes, to: descriptor, naming: temporary)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard close(descriptor) == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw StemmaError.io("write", path, errno: code)
        }
    }

    /// Opens the device or pipe at `path` for writing (non-blocking, so a pipe nobody reads fails with ENXIO) and
    /// writes `bytes` to it.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(StemmaError) {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StemmaError.io("open", path, errno: errno) }
        defer { close(descriptor) }
        let flags = fcntl(descriptor, F_GETFL)
        if flags >= 0 { _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK) }
        try writeAll(bytes, to: descriptor, naming: path)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, naming path: String) throws(StemmaError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw StemmaError.io("write", path, errno: errno) }
            written += result
        }
    }
}
