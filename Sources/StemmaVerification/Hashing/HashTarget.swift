/// A file to hash, as found on disk.
struct HashTarget: Sendable {
    /// The model-relative name, for findings.
    var name: String
    /// The absolute (or caller-relative) path to open.
    var path: String
    /// The size seen when the model was enumerated.
    var size: UInt64
    /// The modification time (nanoseconds) seen when enumerated; a change during hashing is a finding.
    var modificationTime: Int64
    /// Whether to open through a symbolic link (only when the signature allows links and the target was checked).
    var followsLink: Bool
}

/// One unit of hashing work: a whole file, or one byte range of it.
struct HashJob: Sendable {
    /// Index into the targets.
    var target: Int
    /// The byte range; the whole file when nil.
    var range: Range<UInt64>?

    var byteCount: UInt64 {
        range.map { $0.upperBound - $0.lowerBound } ?? 0
    }
}

/// What one job produced.
enum HashOutcome: Sendable {
    case digest([UInt8])
    /// The file could not be proven: why, as a finding code and message.
    case failed(changed: Bool, reason: String)
}
