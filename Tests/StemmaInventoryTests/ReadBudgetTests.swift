import Dispatch
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
