public import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a finished BOM to a file: a temporary sibling first, then a rename, so a reader never sees half a BOM.
public enum BOMOutput {
    /// Writes `bytes` to `path`, replacing it.
    /// - Throws: ``StemmaError`` (`io`) naming the path when it cannot be written.
    public static func write(_ bytes: [UInt8], to path: String) throws(StemmaError) {
        let temporary = path + ".stemma-tmp-\(getpid())"
        // A new file or nothing: a named pipe or link already at the temporary name fails the write, never blocks it.
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure(path, errno) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw failure(path, code)
            }
            offset += written
        }
        guard close(descriptor) == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(path, code)
        }
    }

    private static func failure(_ path: String, _ code: Int32) -> StemmaError {
        StemmaError(.io, "cannot write the BOM to \(path): \(String(cString: strerror(code)))")
    }
}
