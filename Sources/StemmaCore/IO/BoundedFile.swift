#if canImport(Glibc)
    import Glibc
#endif

/// Reads small files (signatures, keys, policies, envelopes, advisories) whole, refusing anything larger than a bound.
public enum BoundedFile {
    /// The bytes of `path`, which must be a regular file of at most `maxBytes` (opened as ``RegularFile`` opens it,
    /// so a named pipe is refused instead of waited on).
    /// - Throws: ``StemmaError`` `.io` naming the file (unreadable, or a FIFO, socket, device or folder), or
    ///   `.limitExceeded` when it is too large.
    public static func read(_ path: String, maxBytes: Int = 64 << 20) throws(StemmaError) -> [UInt8] {
        let file = try RegularFile(path: path)
        guard file.size <= maxBytes else {
            throw StemmaError(.limitExceeded, "'\(path)' is \(file.size) bytes; the limit is \(maxBytes)")
        }
        var bytes = [UInt8](repeating: 0, count: Int(file.size) + 1)
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes {
                Glibc.read(file.descriptor, $0.baseAddress! + filled, $0.count - filled)
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
