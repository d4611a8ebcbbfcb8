#if canImport(Glibc)
    import Glibc
#endif

/// Writes a file by writing a temporary sibling and renaming it, so a reader never sees half a signature.
public enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    /// - Throws: ``StemmaError`` `.io` naming the file.
    public static func write(_ bytes: [UInt8], to path: String) throws(StemmaError) {
        let temporary = path + ".tmp-\(getpid())"
        // A new file or nothing: whatever already sits at the temporary name (a named pipe would block a plain
        // open, a link would redirect the write) makes the write fail instead.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw StemmaError.io("create", temporary, errno: errno) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written)
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw StemmaError.io("write", temporary, errno: code)
            }
            written += result
        }
        guard close(descriptor) == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw StemmaError.io("write", path, errno: code)
        }
    }
}
