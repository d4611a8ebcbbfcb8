import Dispatch
import StemmaCore
import StemmaCrypto
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Hashes files and byte ranges on every core with OpenSSL, streaming through one reused 1 MiB buffer per worker.
///
/// Jobs are taken largest first from a shared counter, so cores stay busy to the end. When there are fewer jobs
/// than cores (one big file hashed whole), a spare core reads ahead into a small ring of buffers so the hashing
/// core never waits for `pread`: that is what lets a single 2 GiB file hash at in-memory SHA-256 speed.
/// Memory is flat: a few MiB whatever the model size.
struct ParallelHasher {
    static let chunkSize = 1 << 20

    let algorithm: DigestAlgorithm
    let workerCount: Int

    init(algorithm: DigestAlgorithm, workerCount: Int = ProcessorCount.online) {
        self.algorithm = algorithm
        self.workerCount = max(1, workerCount)
    }

    /// Runs every job and returns the outcomes in job order.
    func run(targets: [HashTarget], jobs: [HashJob], progress: HashProgress?) throws(StemmaError) -> [HashOutcome] {
        guard !jobs.isEmpty else { return [] }
        let order = jobs.indices.sorted { size(of: jobs[$0], targets) > size(of: jobs[$1], targets) }
        let results = OutcomeSlots(count: jobs.count)
        let next = Atomic<Int>(0)
        let workers = min(workerCount, jobs.count)
        let readAhead = workers < workerCount
        let algorithm = self.algorithm
        let setupFailure = Mutex<StemmaError?>(nil)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let context: DigestContext
            do throws(StemmaError) { context = try DigestContext(algorithm) } catch {
                setupFailure.withLock { $0 = error }
                return
            }
            var worker = HashWorker(context: context, readAhead: readAhead, progress: progress)
            while true {
                let position = next.add(1, ordering: .relaxed).oldValue
                guard position < order.count else { break }
                let jobIndex = order[position]
                results.store(worker.hash(jobs[jobIndex], target: targets[jobs[jobIndex].target]), at: jobIndex)
            }
        }
        if let failure = setupFailure.withLock({ $0 }) { throw failure }
        return results.outcomes()
    }

    private func size(of job: HashJob, _ targets: [HashTarget]) -> UInt64 {
        job.range == nil ? targets[job.target].size : job.byteCount
    }
}

/// Result slots written by index from many workers; each index is written by exactly one worker.
///
/// `@unchecked Sendable`: writes never overlap (one job, one slot), and the slots are read only after
/// `concurrentPerform` has returned, which orders every write before the read.
private final class OutcomeSlots: @unchecked Sendable {
    private var slots: [HashOutcome?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func store(_ outcome: HashOutcome, at index: Int) {
        slots.withUnsafeMutableBufferPointer { $0[index] = outcome }
    }
    func outcomes() -> [HashOutcome] {
        slots.map { $0 ?? .failed(changed: false, reason: "was not hashed") }
    }
}
