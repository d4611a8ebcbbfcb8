import StemmaGraph

extension Graph {
    /// The strongest evidence behind a node: `declared` if a document described it, raised by any edge that names
    /// it (or any digest check of its files), `inferred` when nothing else is known. The `any-version` links
    /// Stemma adds itself do not count.
    func strongestEvidence(of id: Int32) -> EvidenceStatus {
        var best: EvidenceStatus? = isUnresolved(id) ? nil : .declared
        for edge in reverse(id) where edge.relation != .anyVersion {
            best = max(best ?? edge.evidence.status, edge.evidence.status)
        }
        for edge in forward(id) where edge.relation == .contains {
            best = max(best ?? edge.evidence.status, edge.evidence.status)
        }
        if node(id).ref.kind == .agent, best == nil { best = .declared }
        return best ?? .inferred
    }

    /// Whether a model, dataset or corpus is only named by edges: no document of its own described it, it has no
    /// properties, and no version of it was found. (Packages and tools are always known only from the lockfile or
    /// config that names them, so they are never called unresolved.)
    func isUnresolved(_ id: Int32) -> Bool {
        let node = node(id)
        guard [.model, .dataset, .corpus].contains(node.ref.kind), node.properties.isEmpty else { return false }
        if forward(id).contains(where: { $0.relation == .anyVersion }) { return false }
        let edgeSources = Set(reverse(id).map(\.evidence.source))
        return node.sources.allSatisfy { edgeSources.contains($0) }
    }

    /// Every node reachable from `root` over forward edges (`root` included), in id order.
    func closure(from root: Int32) -> [Int32] {
        var seen: Set<Int32> = [root]
        var queue = [root]
        var head = 0
        while head < queue.count {
            let current = queue[head]
            head += 1
            for edge in forward(current) where seen.insert(edge.node).inserted { queue.append(edge.node) }
        }
        return seen.sorted()
    }
}
