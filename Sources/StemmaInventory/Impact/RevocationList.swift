public import StemmaCore
public import StemmaGraph

#if canImport(Glibc)
    import Glibc
#endif

/// A digest revocation list: one `sha256:HEX` per line, optionally followed by a reason; `#` starts a comment.
public enum RevocationList {
    /// Flags for every digest listed in `path`.
    /// - Throws: ``StemmaError`` when the file cannot be read or a line is not a digest.
    public static func read(_ path: String, maxBytes: Int = 64 << 20) throws(StemmaError) -> [FlaggedComponent] {
        let text = String(decoding: try FileBytes.read(path, maxBytes: maxBytes), as: UTF8.self)
        var flags: [FlaggedComponent] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content =
                line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init)?
                .trimmedWhitespace ?? ""
            if content.isEmpty { continue }
            let parts = content.split(separator: " ", maxSplits: 1).map(String.init)
            guard let ref = ComponentRef(parsing: parts[0]), ref.kind == .artifact else {
                throw StemmaError(
                    .malformedInput, "'\(path)' line \(number + 1): \"\(parts[0].prefix(80))\" is not sha256:HEX")
            }
            let reason = parts.count > 1 ? "revoked: \(parts[1].trimmedWhitespace)" : "revoked digest (\(path))"
            flags.append(FlaggedComponent(ref: ref, severity: .critical, reason: reason))
        }
        return flags
    }
}

/// Whole small files, bounded.
enum FileBytes {
    static func read(_ path: String, maxBytes: Int) throws(StemmaError) -> [UInt8] {
        var status = stat()
        guard stat(path, &status) == 0 else { throw StemmaError.io("read", path, errno: errno) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw StemmaError(.io, "'\(path)' is not a regular file") }
        guard status.st_size <= maxBytes else {
            throw StemmaError(.limitExceeded, "'\(path)' is \(status.st_size) bytes; the limit is \(maxBytes)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw StemmaError.io("open", path, errno: errno) }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(filled))
            }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        return Array(bytes.prefix(filled))
    }
}
