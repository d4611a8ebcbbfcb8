import StemmaCore
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The one parallel loop: every job runs exactly once, results come back in index order, and a feed's workers
/// wait for the producer instead of polling. Run under ThreadSanitizer by `make test`, these also prove the
/// hand-overs are ordered.
@Suite struct ParallelMapTests {
    @Test(arguments: [0, 1, 2, 3, 1000])
    func mapRunsEveryIndexOnceInOrder(_ count: Int) {
        let runs = LockedValue([Int](repeating: 0, count: count))
        let results = ParallelMap.map(count: count, workers: 4) { index in
            runs.withLock { $0[index] += 1 }
            return index * index
        }
        #expect(results == (0..<count).map { $0 * $0 })
        #expect(runs.withLock { $0 }.allSatisfy { $0 == 1 })
    }

    @Test func eachWorkerKeepsItsOwnStateAndFailedWorkersTakeNoJobs() {
        let made = Atomic<Int>(0)
        let results = ParallelMap.map(
            count: 200, workers: 3,
            makeWorker: { () -> [Int]? in
                // The first worker to start cannot be made: the others must still run every job.
                made.add(1, ordering: .relaxed).oldValue == 0 ? nil : []
            },
            { seen, index in
                seen.append(index)
                return seen.count
            })
        #expect(results.count == 200)
        #expect(results.allSatisfy { $0 != nil && $0! >= 1 })
    }

    @Test func mapWithNoWorkerMadeLeavesEverySlotEmpty() {
        let results = ParallelMap.map(
            count: 5, workers: 2, makeWorker: { () -> Int? in nil }, { _, index in index })
        #expect(results == [Int?](repeating: nil, count: 5))
    }

    /// A producer adds items in bursts with pauses while the workers drain them: every item is read once, and the
    /// workers return only after `finish()`.
    @Test func collectDrainsAFeedFilledFromAnotherThread() {
        let feed = WorkFeed<Int>()
        let producer = JoinableThread {
            for burst in 0..<20 {
                feed.add(Array(burst * 50..<(burst + 1) * 50))
                if burst % 5 == 0 { usleep(2_000) }
            }
            feed.finish()
        }
        let started = producer != nil
        #expect(started)
        let results = ParallelMap.collect(from: feed, workers: 3, makeWorker: { () }) { _, item in
            item % 7 == 0 ? nil : item * 2
        }
        producer?.join()
        #expect(feed.count == 1000)
        #expect(results.map(\.index) == (0..<1000).filter { $0 % 7 != 0 })
        #expect(results.map(\.result) == (0..<1000).filter { $0 % 7 != 0 }.map { $0 * 2 })
    }

    @Test func collectReturnsForAnEmptyFinishedFeed() {
        let feed = WorkFeed<String>()
        feed.finish()
        let results = ParallelMap.collect(from: feed, workers: 4, makeWorker: { () }) { _, item in item }
        #expect(results.isEmpty)
    }

    @Test func resultSlotsHoldWhatEachIndexStored() {
        let slots = ResultSlots<String>(count: 3)
        slots.store("b", at: 1)
        #expect(slots.count == 3)
        #expect(slots.elements() == [nil, "b", nil])
    }
}
