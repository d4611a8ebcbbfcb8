import StemmaCore
import StemmaCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// SHA-256 of a subject file, streamed in 1 MiB reads so a large artifact is never held in memory.
enum SubjectDigest {
    /// The lowercase hex SHA-256 of the regular file at `path`.
    /// - Throws: ``StemmaError`` `.io` naming the file (unreadable, or not a regular file: a named pipe is refused,
    ///   not waited on).
    static func sha256(of path: String) throws(StemmaError) -> String {
        let file = try RegularFile(path: path)
        var context = try DigestContext(.sha256)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(file.descriptor, $0.baseAddress!, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw StemmaError.io("read", path, errno: errno) }
            if got == 0 { break }
            buffer.withUnsafeBytes { context.update(UnsafeRawBufferPointer(rebasing: $0[0..<got])) }
        }
        return Hex.encode(context.finalize())
    }
}
