import Dispatch
import StemmaCore

/// The bytes of large documents that the parallel readers hold at once, shared by every core.
///
/// A reader's tree is several times its document (a 57 MB CycloneDX BOM took 490 MB), and every core used to read
/// one such document at once, so memory grew with the core count. A file over ``smallBytes`` now reserves its
/// size here first and waits while the reservations of others would push the total past ``limit``. A file
/// larger than the limit still runs, but only alone, so no file waits forever and the total stays bounded by
/// `max(limit, largest file)` whatever the number of cores. Small files never wait: they are most of an
/// inventory, and their memory is bounded by the core count times ``smallBytes``.
///
/// A reader that must wait sleeps on its own semaphore, queued under the lock when it found no room; every
/// release wakes the queued readers, which check again (no polling, and no lost wake-up: a release after the
/// check signals the semaphore, and a signal before the wait is counted).
final class ReadBudget: Sendable {
    /// Files up to this size are read without a reservation.
    static let smallBytes = 1 << 20

    /// The most bytes that reservations may hold at once.
    let limit: Int
    /// A `LockedValue`, not a bare `Mutex`: ThreadSanitizer sees its hand-overs (see `LockedValue`).
    private let state = LockedValue(State())

    private struct State: Sendable {
        var reserved = 0
        var holders = 0
        var peak = 0
        var waits = 0
        /// One semaphore per reader waiting for room, signalled by the next release.
        var waiting: [DispatchSemaphore] = []
    }

    init(limit: Int) { self.limit = max(limit, Self.smallBytes) }

    /// The largest total ever reserved, and how many times a reader had to wait (for tests).
    var peakReserved: Int { state.withLock { $0.peak } }
    var waits: Int { state.withLock { $0.waits } }
    /// How many readers are asleep waiting for room now (for tests).
    var sleeping: Int { state.withLock { $0.waiting.count } }

    /// Runs `body` once `bytes` fit in the budget (at once for small files), releasing them afterwards.
    func withReservation<Result>(_ bytes: Int, _ body: () throws -> Result) rethrows -> Result {
        let held = reserve(bytes)
        defer { release(held) }
        return try body()
    }

    /// Waits until `bytes` fit (small files at once) and reserves them.
    ///
    /// A caller must hold no other reservation while it waits (release first, then reserve more), so that
    /// readers never wait for each other in a circle.
    /// - Returns: what was reserved, to pass to ``release(_:)``: 0 for a small file.
    func reserve(_ bytes: Int) -> Int {
        guard bytes > Self.smallBytes else { return 0 }
        var waited = false
        while true {
            let wake = DispatchSemaphore(value: 0)
            let granted = state.withLock { state -> Bool in
                guard state.holders == 0 || state.reserved + bytes <= limit else {
                    state.waiting.append(wake)
                    return false
                }
                state.reserved += bytes
                state.holders += 1
                state.peak = max(state.peak, state.reserved)
                if waited { state.waits += 1 }
                return true
            }
            if granted { return bytes }
            waited = true
            wake.wait()
        }
    }

    /// Gives back a reservation made by ``reserve(_:)``.
    func release(_ held: Int) {
        guard held > 0 else { return }
        let waiting = state.withLock { state -> [DispatchSemaphore] in
            state.reserved -= held
            state.holders -= 1
            defer { state.waiting.removeAll() }
            return state.waiting
        }
        for reader in waiting { reader.signal() }
    }
}
