import Synchronization

/// Runs independent jobs on every core: the one parallel loop Stemma has (hashing, scanning, inventory reading).
///
/// Workers are POSIX threads (``JoinableThread``), the calling thread being one of them, and every worker is joined
/// before a call returns, so results written by a worker are visible to the caller (a happens-before edge that
/// ThreadSanitizer sees). Jobs are handed out one at a time from a shared counter or a ``WorkFeed``, so cores stay
/// busy to the end whatever the job sizes. When no thread can be created, the calling thread does all the work.
public enum ParallelMap {
    /// The stack of each worker thread: 8 MiB like the main thread, so a deeply nested input (a pickle inside a zip
    /// inside a tar) behaves the same whichever thread takes it. Pages are committed only when touched.
    public static let stackSize = 8 << 20

    /// Runs `body` for every index in `0..<count` and returns the results in index order.
    ///
    /// - Parameters:
    ///   - count: the number of jobs.
    ///   - workers: at most this many threads (the calling thread included); never more than `count`.
    ///   - makeWorker: makes one worker's private state (a digest context, a buffer); a worker whose state cannot
    ///     be made takes no jobs.
    ///   - body: runs job `index` with the worker's state.
    /// - Returns: one result per index; nil only for jobs no worker ran (every `makeWorker` failed).
    public static func map<Worker: ~Copyable, Result: Sendable>(
        count: Int, workers: Int = ProcessorCount.online,
        makeWorker: @escaping @Sendable () -> Worker?,
        _ body: @escaping @Sendable (inout Worker, Int) -> Result
    ) -> [Result?] {
        guard count > 0 else { return [] }
        let slots = ResultSlots<Result>(count: count)
        let next = Atomic<Int>(0)
        spread(workers: min(max(1, workers), count)) {
            guard var worker = makeWorker() else { return }
            while true {
                let index = next.add(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                slots.store(body(&worker, index), at: index)
            }
        }
        return slots.elements()
    }

    /// Runs `body` for every index in `0..<count` and returns the results in index order.
    /// - Returns: one result per index (the calling thread runs whatever no other thread took).
    public static func map<Result: Sendable>(
        count: Int, workers: Int = ProcessorCount.online, _ body: @escaping @Sendable (Int) -> Result
    ) -> [Result] {
        let results = map(count: count, workers: workers, makeWorker: { () }) { _, index in body(index) }
        // The calling thread's worker (state `()`) cannot fail to start and runs until the counter passes `count`.
        return results.map { $0! }
    }

    /// Runs `body` for every item of `feed` as the producer adds them, until the feed is finished and drained.
    ///
    /// The producer runs on its own thread (or before this call); workers block on the feed, never poll.
    /// - Returns: the results that were not nil, with the index of the item each came from, in index order.
    public static func collect<Item: Sendable, Worker: ~Copyable, Result: Sendable>(
        from feed: WorkFeed<Item>, workers: Int = ProcessorCount.online,
        makeWorker: @escaping @Sendable () -> Worker?,
        _ body: @escaping @Sendable (inout Worker, Item) -> Result?
    ) -> [(index: Int, result: Result)] {
        let collected = LockedValue<[(index: Int, result: Result)]>([])
        spread(workers: max(1, workers)) {
            guard var worker = makeWorker() else { return }
            var local: [(index: Int, result: Result)] = []
            while let (index, item) = feed.next() {
                if let result = body(&worker, item) { local.append((index, result)) }
            }
            collected.withLock { $0 += local }
        }
        return collected.withLock { $0 }.sorted { $0.index < $1.index }
    }

    /// Runs `body` on `workers` threads, the calling thread being one, and joins them all.
    private static func spread(workers: Int, _ body: @escaping @Sendable () -> Void) {
        var threads: [ThreadBox] = []
        for _ in 1..<max(1, workers) {
            guard let thread = JoinableThread(stackSize: stackSize, body) else { break }
            threads.append(ThreadBox(thread))
        }
        body()
        for box in threads { box.join() }
    }
}

/// `JoinableThread` is `~Copyable`; a class box lets an array hold them.
private final class ThreadBox {
    private var thread: JoinableThread?
    init(_ thread: consuming JoinableThread) { self.thread = consume thread }
    func join() { thread.take()?.join() }
}
