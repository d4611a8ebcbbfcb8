import StemmaScan

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
    /// The device and inode seen when enumerated (nil for archive members): a file opened later must be this one.
    var node: FileNode?
    /// The change time seen when enumerated (nil for archive members): every job of a file, and the scan that reads
    /// past its own shard, sees the same unchanged file.
    var changeTime: Int64?
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

    /// Whether this job also scans the file: a whole file, or the shard at offset 0 of a sharded one, so each file
    /// is scanned once.
    var scansFile: Bool { range.map { $0.lowerBound == 0 } ?? true }
}

/// What one job produced.
enum HashOutcome: Sendable {
    case digest([UInt8])
    /// The file could not be proven: why, as a finding code and message.
    case failed(changed: Bool, reason: String)
}

/// What one job produced: its digest, and the scan of the file when the job scanned it (read from the same open
/// descriptor, under the same identity check, so the bytes scanned are the bytes hashed).
struct HashResult: Sendable {
    var outcome: HashOutcome
    var scan: ScannedFile?
}

/// Verify's format scan as the hash worker runs it on each file it opens.
struct FileScan: Sendable {
    /// Scans a file's bytes; the target names it.
    var scan: @Sendable (ScanInput, HashTarget) -> ScannedFile
    /// For tests only: runs after a job is hashed and before it is scanned, with the model-relative name, so a test
    /// can replace the file at exactly that point.
    var betweenHashAndScan: (@Sendable (String) -> Void)?
}
