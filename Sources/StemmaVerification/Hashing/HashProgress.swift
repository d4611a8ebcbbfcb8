import Synchronization

/// Bytes hashed so far out of a total, readable from another thread (the CLI's progress line).
public final class HashProgress: Sendable {
    private let done = Atomic<Int64>(0)
    private let total = Atomic<Int64>(0)

    /// Creates a progress counter at zero.
    public init() {}

    /// Bytes hashed so far.
    public var bytesDone: Int64 { done.load(ordering: .relaxed) }
    /// Bytes planned in all (0 while unknown, for example while streaming an archive).
    public var bytesTotal: Int64 { total.load(ordering: .relaxed) }

    func add(_ count: Int) { done.add(Int64(count), ordering: .relaxed) }
    func setTotal(_ count: Int64) { total.store(count, ordering: .relaxed) }
}
