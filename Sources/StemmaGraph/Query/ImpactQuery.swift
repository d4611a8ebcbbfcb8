/// Answers "which agents does this compromised component reach, and through what path?" with one reverse
/// breadth-first walk per severity level over the graph's reverse index.
///
/// Risk moves from a dependency to its dependents over every relation that carries it (not `evaluated-on`).
/// Seeds of higher severity are walked first, so each agent is reported with the worst thing that reaches it and
/// the shortest path to that thing. A visited set makes cycles harmless. O(nodes + edges) in all.
public struct ImpactQuery: Sendable {
    public let graph: Graph
    /// The longest path reported for a component that is not an agent; longer ones are cut (``AffectedComponent/pathTruncated``).
    public static let maxComponentPathSteps = 256

    public init(graph: Graph) { self.graph = graph }

    /// Walks from every flagged component to every agent above it.
    public func run(query: String, flagged: [FlaggedComponent], warnings: [InventoryWarning] = []) -> ImpactResult {
        var warnings = warnings
        var seeds: [(id: Int32, flag: FlaggedComponent)] = []
        var resolvedFlags: [FlaggedComponent] = []
        for flag in flagged {
            let ids = graph.ids(matching: flag.ref)
            if ids.isEmpty {
                // A typo must be visible: name the refs that look like it (not for digests, which have no near miss).
                let nearest = flag.ref.kind == .artifact ? [] : NearestRefs.nearest(to: flag.ref, in: graph)
                let hint = nearest.isEmpty ? "" : "; nearest: " + nearest.map(\.description).joined(separator: ", ")
                warnings.append(
                    InventoryWarning(source: "query", message: "\(flag.ref) is not in the inventory\(hint)"))
            }
            for id in ids {
                seeds.append((id, flag))
                var resolved = flag
                resolved.ref = graph.node(id).ref
                resolvedFlags.append(resolved)
            }
        }
        let count = graph.nodes.count
        var parent = [Int32](repeating: -1, count: count)
        var parentRelation = [Relation?](repeating: nil, count: count)
        var origin = [Int32](repeating: -1, count: count)
        var severity = [ImpactSeverity?](repeating: nil, count: count)

        for level in ImpactSeverity.allCases {  // critical first
            var queue: [Int32] = []
            for seed in seeds where seed.flag.severity == level && severity[Int(seed.id)] == nil {
                severity[Int(seed.id)] = level
                origin[Int(seed.id)] = seed.id
                queue.append(seed.id)
            }
            var head = 0
            while head < queue.count {
                let current = queue[head]
                head += 1
                for edge in graph.reverse(current) where edge.relation.propagatesRisk && severity[Int(edge.node)] == nil
                {
                    severity[Int(edge.node)] = level
                    origin[Int(edge.node)] = origin[Int(current)]
                    parent[Int(edge.node)] = current
                    parentRelation[Int(edge.node)] = edge.relation
                    queue.append(edge.node)
                }
            }
        }

        var affected: [AffectedComponent] = []
        var agentCount = 0
        for id in 0..<count where severity[id] != nil {
            // A versionless reference to a component declared with a version is an alias, not another component.
            let ref = graph.nodes[id].ref
            if ref.version == nil, graph.versionsByName[ref] != nil { continue }
            var path = [ref]
            var relations: [Relation] = []
            var step = Int32(id)
            // Every component of a 100,000-model fine-tune chain is affected: whole paths for each would be
            // quadratic, so a component's path stops after a bound (an agent's is whole, as it always was).
            while parent[Int(step)] >= 0 && (ref.kind == .agent || relations.count < Self.maxComponentPathSteps) {
                relations.append(parentRelation[Int(step)]!)
                step = parent[Int(step)]
                path.append(graph.node(step).ref)
            }
            if ref.kind == .agent { agentCount += 1 }
            affected.append(
                AffectedComponent(
                    ref: ref, severity: severity[id]!, path: path, relations: relations,
                    flaggedBy: graph.node(origin[id]).ref, properties: graph.nodes[id].properties,
                    pathTruncated: parent[Int(step)] >= 0))
        }
        affected.sort(by: AffectedComponent.reportOrder)
        return ImpactResult(
            query: query, flagged: resolvedFlags.sorted { $0.ref < $1.ref }, affected: affected,
            affectedAgentCount: agentCount, affectedComponentCount: affected.count - agentCount, warnings: warnings)
    }
}
