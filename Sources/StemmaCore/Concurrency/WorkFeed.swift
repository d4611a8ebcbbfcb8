import Dispatch

/// Items one producer adds while ``ParallelMap`` workers take them: a queue whose readers block, never poll.
///
/// The items live under a lock (``LockedValue``, which orders every hand-over for ThreadSanitizer too); a counting semaphore
/// only puts idle workers to sleep: it is signalled once per item added and once when the feed is finished, and
/// a worker that finds the feed finished and empty passes that last signal on, so every waiting worker wakes.
public final class WorkFeed<Item: Sendable>: Sendable {
    private struct State: Sendable {
        var items: [Item] = []
        var next = 0
        var finished = false
    }

    private let state = LockedValue(State())
    private let ready = DispatchSemaphore(value: 0)

    /// Creates an empty feed.
    public init() {}

    /// Makes `items` available to the workers.
    public func add(_ items: [Item]) {
        guard !items.isEmpty else { return }
        state.withLock { $0.items += items }
        for _ in items { ready.signal() }
    }

    /// Says no more items will come; workers return once the rest are taken.
    public func finish() {
        state.withLock { $0.finished = true }
        ready.signal()
    }

    /// The number of items added so far.
    public var count: Int { state.withLock { $0.items.count } }

    /// The next item and its index in the order added, waiting for the producer; nil once finished and drained.
    func next() -> (index: Int, item: Item)? {
        ready.wait()
        let taken: (index: Int, item: Item)? = state.withLock { state in
            guard state.next < state.items.count else { return nil }
            state.next += 1
            return (state.next - 1, state.items[state.next - 1])
        }
        // A wake-up without an item can only be the finish signal: pass it on to the next sleeping worker.
        if taken == nil { ready.signal() }
        return taken
    }
}
