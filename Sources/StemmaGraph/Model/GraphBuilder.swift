import StemmaCore

/// Assembles inventory fragments into a ``Graph``: one node per identity, edges deduplicated, lockfiles and MCP
/// configs attached to the agent of their folder, name-level nodes linked to their versions, cycles reported.
public struct GraphBuilder: Sendable {
    private var graph = Graph()
    private var pendingFolderEdges: [(folder: String, edge: EdgeRecord)] = []
    private var agentsByFolder: [String: Int32] = [:]
    /// Nodes whose spelling came from a document that declared the component (not one that only mentioned it).
    private var declaredSpelling = Set<Int32>()
    /// Every edge's position in its source's forward list and its target's reverse list, so that a repeated edge
    /// is found in O(1) (an OMS signature listing 200,000 digests twice found each by a linear search).
    private var edgePositions: [EdgeKey: (forward: Int32, reverse: Int32)] = [:]
    public private(set) var warnings: [InventoryWarning] = []

    private struct EdgeKey: Hashable {
        let from: Int32
        let to: Int32
        let relation: Relation
    }

    public init() {}

    /// Adds what one document contributed.
    public mutating func add(_ fragment: InventoryFragment) {
        warnings += fragment.warnings
        for component in fragment.components {
            let id = node(component.ref, properties: component.properties, source: component.source)
            adoptSpelling(id, component.ref)
            if component.ref.kind == .agent {
                let folder = FileSystemPath.folder(of: component.source)
                if agentsByFolder[folder] == nil { agentsByFolder[folder] = id }
            }
            for digest in component.artifacts {
                let artifact = node(.artifact(sha256: digest), properties: [:], source: component.source)
                link(id, artifact, .contains, Evidence(source: component.source, status: .declared))
            }
        }
        // A document's edges mostly start at the same component (its model, its agent): its node is looked up
        // once, not hashed again for each of 585,000 edges of a stress fleet.
        var last: (ref: ComponentRef, source: String, id: Int32)?
        for edge in fragment.edges {
            switch edge.from {
            case .component(let ref):
                let from: Int32
                if let last, last.ref == ref, last.ref.name == ref.name, last.source == edge.evidence.source {
                    from = last.id
                } else {
                    from = node(ref, properties: [:], source: edge.evidence.source)
                    last = (ref, edge.evidence.source, from)
                }
                link(from, node(edge.to, properties: [:], source: edge.evidence.source), edge.relation, edge.evidence)
            case .agentOfFolder(let folder):
                pendingFolderEdges.append((folder, edge))
            }
        }
    }

    /// Finishes the graph.
    public consuming func build() -> (graph: Graph, warnings: [InventoryWarning]) {
        for (folder, edge) in pendingFolderEdges {
            guard let agent = agent(governing: folder) else {
                warnings.append(
                    InventoryWarning(
                        source: edge.evidence.source,
                        message: "no agent is declared in '\(folder)' or above it, so \(edge.to) is not attached to one"
                    ))
                _ = node(edge.to, properties: [:], source: edge.evidence.source)
                continue
            }
            link(agent, node(edge.to, properties: [:], source: edge.evidence.source), edge.relation, edge.evidence)
        }
        linkVersions()
        warnings += CycleFinder(graph: graph).cycles().map { cycle in
            InventoryWarning(
                source: graph.node(cycle[0]).sources.first ?? "inventory",
                message: "dependency cycle: " + cycle.map { graph.node($0).ref.description }.joined(separator: " -> "))
        }
        return (graph, warnings)
    }

    private func agent(governing folder: String) -> Int32? {
        var current = folder
        while true {
            if let agent = agentsByFolder[current] { return agent }
            guard let slash = current.lastIndex(of: "/") else { return agentsByFolder["."] }
            current = String(current[..<slash])
            if current.isEmpty { return agentsByFolder["/"] }
        }
    }

    /// Name-level nodes depend on each of their versions: if any version is bad, whoever did not pin one may run it.
    private mutating func linkVersions() {
        for (position, node) in graph.nodes.enumerated() where node.ref.version != nil {
            graph.versionsByName[node.ref.unversioned, default: []].append(Int32(position))
        }
        for (name, versions) in graph.versionsByName {
            guard let nameLevel = graph.index[name] else { continue }
            // Only mentioned, never declared (a `base_model` naming a repository whose card is in the hub cache):
            // the name-level node shows the spelling of the first declared version.
            if !declaredSpelling.contains(nameLevel), let declared = versions.first(where: declaredSpelling.contains) {
                graph.nodes[Int(nameLevel)].ref = graph.nodes[Int(declared)].ref.unversioned
            }
            for version in versions {
                link(nameLevel, version, .anyVersion, Evidence(source: "identity", status: .inferred))
            }
        }
    }

    private mutating func node(_ ref: ComponentRef, properties: [String: String], source: String) -> Int32 {
        if let id = graph.index[ref] {
            if !properties.isEmpty || !graph.nodes[Int(id)].sources.contains(source) {
                merge(id, properties: properties, source: source)
            }
            return id
        }
        let id = Int32(graph.nodes.count)
        graph.nodes.append(Graph.Node(ref: ref, properties: properties, sources: [source]))
        graph.forwardEdges.append([])
        graph.reverseEdges.append([])
        graph.index[ref] = id
        return id
    }

    /// Refs that differ only in the case of a Hugging Face name are one node; it shows the spelling of the
    /// first document that declared the component. Fragments arrive sorted by path, so "first" is the same in
    /// every run, whatever order the files were read in. A mere mention (a `base_model`, a manifest's list)
    /// gives the spelling only until a declaration arrives.
    private mutating func adoptSpelling(_ id: Int32, _ ref: ComponentRef) {
        guard declaredSpelling.insert(id).inserted else { return }
        if graph.nodes[Int(id)].ref.name != ref.name { graph.nodes[Int(id)].ref = ref }
    }

    private mutating func merge(_ id: Int32, properties: [String: String], source: String) {
        for (key, value) in properties where graph.nodes[Int(id)].properties[key] == nil {
            graph.nodes[Int(id)].properties[key] = value
        }
        if graph.nodes[Int(id)].sources.count < 8, !graph.nodes[Int(id)].sources.contains(source) {
            graph.nodes[Int(id)].sources.append(source)
        }
    }

    private mutating func link(_ from: Int32, _ to: Int32, _ relation: Relation, _ evidence: Evidence) {
        guard from != to else { return }
        let key = EdgeKey(from: from, to: to, relation: relation)
        if let positions = edgePositions[key] {
            strengthen(key, at: positions, evidence)
            return
        }
        edgePositions[key] = (
            Int32(graph.forwardEdges[Int(from)].count), Int32(graph.reverseEdges[Int(to)].count)
        )
        graph.forwardEdges[Int(from)].append(Graph.Edge(node: to, relation: relation, evidence: evidence))
        graph.reverseEdges[Int(to)].append(Graph.Edge(node: from, relation: relation, evidence: evidence))
    }

    /// A second document stating an edge keeps the first one's evidence unless it proves more: a digest Stemma
    /// recomputed (`verified`) outranks the same digest read from a signature or card (`declared`).
    private mutating func strengthen(
        _ key: EdgeKey, at positions: (forward: Int32, reverse: Int32), _ evidence: Evidence
    ) {
        let (from, to) = (Int(key.from), Int(key.to))
        guard graph.forwardEdges[from][Int(positions.forward)].evidence.status < evidence.status else { return }
        graph.forwardEdges[from][Int(positions.forward)] = Graph.Edge(
            node: key.to, relation: key.relation, evidence: evidence)
        graph.reverseEdges[to][Int(positions.reverse)] = Graph.Edge(
            node: key.from, relation: key.relation, evidence: evidence)
    }
}
