import StemmaGraph
import Synchronization

/// Counters of an inventory read in progress, for a progress display: written by the walker and the readers,
/// read from another thread at any time.
public final class InventoryProgress: Sendable {
    private let found = Atomic<Int>(0)
    private let read = Atomic<Int>(0)
    private let recognised = Atomic<Int>(0)
    private let warned = Atomic<Int>(0)

    public init() {}

    /// Files the walk has listed so far.
    public var filesFound: Int { found.load(ordering: .relaxed) }
    /// Files looked at so far (recognised or not).
    public var filesRead: Int { read.load(ordering: .relaxed) }
    /// Files a reader recognised.
    public var filesRecognised: Int { recognised.load(ordering: .relaxed) }
    /// Warnings so far (from the files read; the walk's and the graph's come at the end).
    public var warnings: Int { warned.load(ordering: .relaxed) }

    /// One line: `12,345 of 155,000 files read, 9,876 recognised, 3 warnings`.
    public var summary: String {
        let (found, read) = (filesFound, filesRead)
        return "\(read) of \(max(found, read)) files read, \(filesRecognised) recognised, \(warnings) warnings"
    }

    func listed(_ count: Int) { found.add(count, ordering: .relaxed) }

    func finished(_ fragment: InventoryFragment?) {
        read.add(1, ordering: .relaxed)
        guard let fragment else { return }
        if !fragment.components.isEmpty || !fragment.edges.isEmpty { recognised.add(1, ordering: .relaxed) }
        if !fragment.warnings.isEmpty { warned.add(fragment.warnings.count, ordering: .relaxed) }
    }
}
