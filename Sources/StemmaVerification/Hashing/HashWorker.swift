import StemmaCore
import StemmaCrypto

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

    /// Hashes one job, checking that the file is the regular file of the size and time enumerated.
    mutating func hash(_ job: HashJob, target: HashTarget) -> HashOutcome {
        let file: RegularFile
        do {
            file = try RegularFile(opening: Array(target.path.utf8), followLinks: target.followsLink)
        } catch {
            switch error {
            case .system(_, let code) where code == ENOENT:
                return .failed(changed: true, reason: "disappeared while the model was verified")
            case .system(_, let code) where code == ELOOP && !target.followsLink:
                return .failed(changed: true, reason: "is no longer a regular file (now a symbolic link)")
            case .system: return .failed(changed: false, reason: error.reason)
            case .notRegular(let kind):
                return .failed(changed: true, reason: "is no longer a regular file (now \(kind))")
            }
        }
        let descriptor = file.descriptor
        guard let before = FileIdentity(descriptor: descriptor), before.isRegular else {
            return .failed(changed: true, reason: "is no longer a regular file")
        }
        guard before.size == target.size, before.modificationTime == target.modificationTime else {
            return .failed(changed: true, reason: "changed after it was listed (size or time differs)")
        }
        let range = job.range ?? 0..<target.size
        context.reset()
        var complete: Bool?
        if readAhead && job.range == nil {
            complete = ReadAheadPipeline.hash(
                descriptor: descriptor, range: range, context: &context, progress: progress)
        }
        if complete == nil { complete = hashDirect(descriptor: descriptor, range: range) }
        guard complete == true else { return .failed(changed: true, reason: "shrank while it was hashed") }
        guard let after = FileIdentity(descriptor: file.descriptor), after == before else {
            return .failed(changed: true, reason: "changed while it was hashed")
        }
        return .digest(context.finalize())
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

/// What `fstat` says about an open file, to notice changes while it is hashed.
struct FileIdentity: Equatable {
    var size: UInt64
    var modificationTime: Int64
    var isRegular: Bool

    init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        self.init(status)
    }

    init(_ status: stat) {
        size = UInt64(max(0, status.st_size))
        modificationTime = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        isRegular = (status.st_mode & S_IFMT) == S_IFREG
    }
}
