#if canImport(Glibc)
    import Glibc
#endif

/// Reads small files (signatures, keys, policies, envelopes, advisories) whole, refusing anything larger than a bound.
public enum BoundedFile {
    /// The bytes of `path`, which must be a regular file of at most `maxBytes`.
    /// - Throws: ``StemmaError`` `.io` naming the file, or `.limitExceeded` when it is too large.
    public static func read(_ path: String, maxBytes: Int = 64 << 20) throws(StemmaError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StemmaError.io("open", path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StemmaError.io("stat", path, errno: errno) }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw StemmaError(.io, "'\(path)' is not a regular file")
        }
        guard status.st_size <= maxBytes else {
            throw StemmaError(.limitExceeded, "'\(path)' is \(status.st_size) bytes; the limit is \(maxBytes)")
        }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size) + 1)
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes {
                Glibc.read(descriptor, $0.baseAddress! + filled, $0.count - filled)
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw StemmaError.io("read", path, errno: errno) }
            if got == 0 { break }
            filled += got
        }
        guard filled <= maxBytes else {
            throw StemmaError(.limitExceeded, "'\(path)' grew past the limit of \(maxBytes) bytes while it was read")
        }
        return Array(bytes.prefix(filled))
    }
}
