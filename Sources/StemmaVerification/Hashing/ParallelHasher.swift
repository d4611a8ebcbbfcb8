import StemmaCore
import StemmaCrypto

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

    /// Runs every job and returns the results in job order; with `scan`, each file is also scanned by the job that
    /// hashes its first byte, from the descriptor that job hashed.
    func run(
        targets: [HashTarget], jobs: [HashJob], progress: HashProgress?, scan: FileScan? = nil
    ) throws(StemmaError) -> [HashResult] {
        guard !jobs.isEmpty else { return [] }
        let order = jobs.indices.sorted { size(of: jobs[$0], targets) > size(of: jobs[$1], targets) }
        let workers = min(workerCount, jobs.count)
        let readAhead = workers < workerCount
        let algorithm = self.algorithm
        let setupFailure = LockedValue<StemmaError?>(nil)
        let results = ParallelMap.map(
            count: order.count, workers: workers,
            makeWorker: { () -> HashWorker? in
                do throws(StemmaError) {
                    return HashWorker(context: try DigestContext(algorithm), readAhead: readAhead, progress: progress)
                } catch {
                    setupFailure.withLock { $0 = error }
                    return nil
                }
            },
            { worker, position in
                let job = jobs[order[position]]
                return worker.hash(job, target: targets[job.target], scan: scan)
            })
        if let failure = setupFailure.withLock({ $0 }) { throw failure }
        var inJobOrder = [HashResult?](repeating: nil, count: jobs.count)
        for (position, result) in results.enumerated() { inJobOrder[order[position]] = result }
        return inJobOrder.map { $0 ?? .failed(changed: false, "was not hashed") }
    }

    private func size(of job: HashJob, _ targets: [HashTarget]) -> UInt64 {
        job.range == nil ? targets[job.target].size : job.byteCount
    }
}
