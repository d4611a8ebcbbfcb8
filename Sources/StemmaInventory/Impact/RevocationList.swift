public import StemmaCore
public import StemmaGraph

/// A digest revocation list: one `sha256:HEX` per line, optionally followed by a reason; `#` starts a comment.
public enum RevocationList {
    /// Flags for every digest listed in `path`.
    /// - Throws: ``StemmaError`` when the file cannot be read or a line is not a digest.
    public static func read(_ path: String, maxBytes: Int = 64 << 20) throws(StemmaError) -> [FlaggedComponent] {
        let text = String(decoding: try BoundedFile.read(path, maxBytes: maxBytes), as: UTF8.self)
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
