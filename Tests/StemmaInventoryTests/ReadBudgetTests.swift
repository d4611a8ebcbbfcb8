import Dispatch
import Glibc
import Synchronization
import Testing

@testable import StemmaInventory

/// Parallel reading bounds the bytes of large documents held at once by all cores together, not per core.
@Suite struct ReadBudgetTests {
    @Test func reservationsNeverExceedTheLimitTogether() {
        let budget = ReadBudget(limit: 96 << 20)
        let inside = Atomic<Int>(0)
        let mostInside = Atomic<Int>(0)
        let finished = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 16) { _ in
            budget.withReservation(40 << 20) {
                let now = inside.add(1, ordering: .sequentiallyConsistent).newValue
                _ = mostInside.max(now, ordering: .sequentiallyConsistent)
                for _ in 0..<2000 { _ = inside.load(ordering: .relaxed) }
                inside.subtract(1, ordering: .sequentiallyConsistent)
            }
            finished.add(1, ordering: .sequentiallyConsistent)
        }
        #expect(finished.load(ordering: .sequentiallyConsistent) == 16)
        #expect(budget.peakReserved <= 96 << 20)
        #expect(budget.peakReserved >= 40 << 20)
        #expect(mostInside.load(ordering: .sequentiallyConsistent) <= 2)  // 3 × 40 MiB would not fit
    }

    /// A reader that finds no room sleeps until a release wakes it (no polling): it gets the room the moment
    /// the holder gives it back, and is counted as having waited.
    @Test func aWaitingReaderIsWokenByTheRelease() {
        let budget = ReadBudget(limit: 96 << 20)
        let held = budget.reserve(60 << 20)
        let done = DispatchSemaphore(value: 0)
        let got = Atomic<Int>(0)
        DispatchQueue.global().async {
            budget.withReservation(60 << 20) { got.store(budget.peakReserved, ordering: .sequentiallyConsistent) }
            done.signal()
        }
        // The second reservation cannot fit beside the first: it goes to sleep, and stays asleep.
        while budget.sleeping == 0 { sched_yield() }
        #expect(got.load(ordering: .sequentiallyConsistent) == 0)
        budget.release(held)
        done.wait()
        #expect(got.load(ordering: .sequentiallyConsistent) == 60 << 20)
        #expect(budget.waits == 1)
        #expect(budget.peakReserved == 60 << 20)
    }

    @Test func aDocumentLargerThanTheLimitRunsAlone() {
        let budget = ReadBudget(limit: 8 << 20)
        let held = budget.reserve(64 << 20)
        #expect(held == 64 << 20)
        #expect(budget.peakReserved == 64 << 20)
        budget.release(held)
        #expect(budget.reserve(512 << 10) == 0)  // small files never reserve or wait
        #expect(budget.withReservation(6 << 20) { budget.peakReserved } == 64 << 20)
        #expect(budget.waits == 0)
    }
}
