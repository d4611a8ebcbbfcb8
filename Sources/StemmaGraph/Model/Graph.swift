/// The supply-chain graph: nodes by dense integer id, edges in forward and reverse adjacency lists.
///
/// Built once by ``GraphBuilder``; queries walk the index and never scan all edges. Memory is a few arrays of
/// small structs, so a fleet of 50,000 models and 5,000 agents fits in tens of MiB.
public struct Graph: Sendable {
    /// One node.
    public struct Node: Sendable {
        /// The identity, in the spelling of the first document that declared it.
        public internal(set) var ref: ComponentRef
        /// Properties merged from every record of this component (first writer wins per key).
        public internal(set) var properties: [String: String]
        /// Documents that described it.
        public internal(set) var sources: [String]
    }

    /// One edge, stored under its dependent (forward) and its dependency (reverse).
    public struct Edge: Sendable {
        /// The other end: the dependency in ``forward(_:)``, the dependent in ``reverse(_:)``.
        public let node: Int32
        public let relation: Relation
        public let evidence: Evidence
    }

    public internal(set) var nodes: [Node] = []
    var forwardEdges: [[Edge]] = []
    var reverseEdges: [[Edge]] = []
    var index: [ComponentRef: Int32] = [:]
    /// Versioned nodes by their name-level ref, for queries without a version.
    var versionsByName: [ComponentRef: [Int32]] = [:]

    /// The node id of `ref`, if the graph has it.
    public func id(of ref: ComponentRef) -> Int32? { index[ref] }

    /// The node with this id.
    public func node(_ id: Int32) -> Node { nodes[Int(id)] }

    /// What `id` depends on.
    public func forward(_ id: Int32) -> [Edge] { forwardEdges[Int(id)] }

    /// What depends on `id`.
    public func reverse(_ id: Int32) -> [Edge] { reverseEdges[Int(id)] }

    /// Every node of a name-level ref: the name-level node itself (if present) and every version of it.
    public func ids(matching ref: ComponentRef) -> [Int32] {
        guard ref.version == nil else { return index[ref].map { [$0] } ?? [] }
        var found = versionsByName[ref] ?? []
        if let nameLevel = index[ref] { found.insert(nameLevel, at: 0) }
        return found
    }

    /// The number of edges.
    public var edgeCount: Int { forwardEdges.reduce(0) { $0 + $1.count } }
}
