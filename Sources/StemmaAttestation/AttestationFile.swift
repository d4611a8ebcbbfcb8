/// Path helpers for attestation inputs (reads and writes go through StemmaCore's BoundedFile and AtomicFile).
enum AttestationFile {
    /// The last path component of `path` (the whole string when it has no slash).
    static func lastComponent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed.split(separator: "/").last.map(String.init) ?? String(trimmed)
    }
}
