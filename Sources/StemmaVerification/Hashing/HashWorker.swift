import StemmaCore
import StemmaCrypto
import StemmaScan

#if canImport(Glibc)
    import Glibc
#endif

/// One hashing thread's state: a digest context and a reused buffer.
struct HashWorker: ~Copyable {
    private var context: DigestContext
    private let buffer: UnsafeMutableRawBufferPointer
    private let readAhead: Bool
    private let progress: HashProgress?

    init(context: consuming DigestContext, readAhead: Bool, progress: HashProgress?) {
        self.context = context
        self.buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: ParallelHasher.chunkSize, alignment: 4096)
        self.readAhead = readAhead
        self.progress = progress
    }

    deinit { buffer.deallocate() }

    /// Hashes one job, and scans the file when the job is the one that scans it, checking that the file is the
    /// regular file enumerated (device, inode, size, modification and change times) from before hashing to after
    /// scanning, and that its path still names it at the end: a file changed or replaced meanwhile is a failed
    /// outcome, never a digest. Every job of a sharded file checks the same enumerated identity, so the one scan
    /// (which reads past its own shard) and every shard's hash read the same unchanged file.
    mutating func hash(_ job: HashJob, target: HashTarget, scan: FileScan? = nil) -> HashResult {
        let file: RegularFile
        do {
            file = try RegularFile(opening: Array(target.path.utf8), followLinks: target.followsLink)
        } catch {
            switch error {
            case .system(_, let code) where code == ENOENT:
                return .failed(changed: true, "disappeared while the model was verified")
            case .system(_, let code) where code == ELOOP && !target.followsLink:
                return .failed(changed: true, "is no longer a regular file (now a symbolic link)")
            case .system: return .failed(changed: false, error.reason)
            case .notRegular(let kind):
                return .failed(changed: true, "is no longer a regular file (now \(kind))")
            }
        }
        let descriptor = file.descriptor
        guard let before = FileIdentity(descriptor: descriptor), before.isRegular else {
            return .failed(changed: true, "is no longer a regular file")
        }
        guard before.size == target.size, before.modificationTime == target.modificationTime else {
            return .failed(changed: true, "changed after it was listed (size or time differs)")
        }
        guard target.node == nil || target.node == before.node else {
            return .failed(changed: true, "was replaced after it was listed")
        }
        guard target.changeTime == nil || target.changeTime == before.changeTime else {
            return .failed(changed: true, "changed after it was listed (its change time differs)")
        }
        let range = job.range ?? 0..<target.size
        context.reset()
        var complete: Bool?
        if readAhead && job.range == nil {
            complete = ReadAheadPipeline.hash(
                descriptor: descriptor, range: range, context: &context, progress: progress)
        }
        if complete == nil { complete = hashDirect(descriptor: descriptor, range: range) }
        guard complete == true else { return .failed(changed: true, "shrank while it was hashed") }
        var scanned: ScannedFile?
        if let scan, job.scansFile {
            scan.betweenHashAndScan?(target.name)
            // The scan reads the descriptor that was hashed; it must not close it (`file` does, when it goes).
            let input = ScanInput.borrowing(descriptor: descriptor, count: Int(before.size), path: target.path)
            scanned = scan.scan(input, target)
        }
        // `file.descriptor`, not `descriptor`: this use keeps `file` (and so the descriptor) open until here.
        guard let after = FileIdentity(descriptor: file.descriptor), after == before else {
            return .failed(
                changed: true, scanned == nil ? "changed while it was hashed" : "changed while it was verified")
        }
        guard let now = FileIdentity(path: target.path, followsLink: target.followsLink), now.node == before.node
        else {
            return .failed(changed: true, "was replaced while it was verified")
        }
        return HashResult(outcome: .digest(context.finalize()), scan: scanned)
    }

    /// `pread` into the worker's buffer and hash; false if the file ended early.
    private mutating func hashDirect(descriptor: Int32, range: Range<UInt64>) -> Bool {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let wanted = Int(min(UInt64(buffer.count), range.upperBound - offset))
            let got = pread(descriptor, buffer.baseAddress, wanted, off_t(offset))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return false }
            context.update(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
            progress?.add(got)
            offset += UInt64(got)
        }
        return true
    }
}

/// A file's device and inode: which file a path or descriptor names.
struct FileNode: Equatable, Sendable {
    var device: UInt64
    var inode: UInt64
}

/// What `fstat` says about an open file, to notice changes while it is hashed and scanned.
///
/// The change time is compared too: a write restores neither it nor the inode, even when it restores the size and
/// modification time.
struct FileIdentity: Equatable {
    var size: UInt64
    var modificationTime: Int64
    var changeTime: Int64
    var node: FileNode
    var isRegular: Bool

    init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        self.init(status)
    }

    /// What `stat` (or `lstat`, when links are not followed) says about `path` now.
    init?(path: String, followsLink: Bool) {
        var status = stat()
        guard (followsLink ? stat(path, &status) : lstat(path, &status)) == 0 else { return nil }
        self.init(status)
    }

    init(_ status: stat) {
        size = UInt64(max(0, status.st_size))
        modificationTime = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        changeTime = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
        node = FileNode(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
        isRegular = (status.st_mode & S_IFMT) == S_IFREG
    }
}

extension HashResult {
    /// A failed job: no digest, no scan.
    static func failed(changed: Bool, _ reason: String) -> HashResult {
        HashResult(outcome: .failed(changed: changed, reason: reason), scan: nil)
    }
}
