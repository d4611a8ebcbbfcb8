/// One result slot per job, written by index from several threads and read once every thread has been joined.
///
/// The storage is one `UnsafeMutableBufferPointer` allocated for the loop's lifetime, so a write touches only its
/// own element: no Swift array is reallocated, copied or exclusivity-checked from several threads.
public final class ResultSlots<Element: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: each index is written by exactly one worker (indices come from one atomic counter) and
    // the slots are read only after `ParallelMap` has joined every worker thread; ThreadSanitizer checks both.
    private let slots: UnsafeMutableBufferPointer<Element?>

    /// Creates `count` empty slots.
    public init(count: Int) {
        slots = .allocate(capacity: max(0, count))
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// The number of slots.
    public var count: Int { slots.count }

    /// Stores the result of job `index`; only the one worker that took `index` may call this.
    public func store(_ element: consuming Element, at index: Int) {
        slots[index] = element
    }

    /// Every slot in index order, nil where no result was stored. Call only after the workers are joined.
    public func elements() -> [Element?] {
        Array(slots)
    }
}
