import StemmaCore
import StemmaCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// SHA-256 of a subject file, streamed in 1 MiB reads so a large artifact is never held in memory.
enum SubjectDigest {
    /// The lowercase hex SHA-256 of the regular file at `path`.
    /// - Throws: ``StemmaError`` `.io` naming the file.
    static func sha256(of path: String) throws(StemmaError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StemmaError.io("open", path, errno: errno) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw StemmaError.io("stat", path, errno: errno) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw StemmaError(.io, "'\(path)' is not a regular file") }
        var context = try DigestContext(.sha256)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw StemmaError.io("read", path, errno: errno) }
            if got == 0 { break }
            buffer.withUnsafeBytes { context.update(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
        }
        return Hex.encode(context.finalize())
    }
}
