import StemmaCore

/// The answer of an impact query as a graph: the flagged components, the components the risk reached and the
/// risk-carrying edges between them, and nothing else. What `impact --format dot` and `stemma report` draw.
///
/// The example fleet's whole graph is a 152-node hairball; the answer to "who does Llama-3.1-8B reach" is a third
/// of it, and every edge in it is on a path from an affected component down to a flagged one.
public struct ImpactSubgraph: Sendable {
    /// One component of the answer.
    public struct Node: Sendable {
        public var ref: ComponentRef
        /// The worst severity that reaches it (a flagged component: its own).
        public var severity: ImpactSeverity
        /// Whether it is itself flagged.
        public var isFlagged: Bool
        /// Owner, account, stage and whatever else the inventory said.
        public var properties: [String: String]
    }

    /// A dependency of a dependent inside the answer.
    public struct Edge: Sendable, Hashable {
        /// Index of the dependent in ``nodes``.
        public var dependent: Int
        /// Index of the dependency in ``nodes``.
        public var dependency: Int
        public var relation: Relation
    }

    /// Flagged components first, then the rest in ref order.
    public private(set) var nodes: [Node] = []
    public private(set) var edges: [Edge] = []

    /// The answer to `result` over `graph`: `result` should be the unfiltered one (``ImpactResult/filtered(to:)``
    /// drops the components the paths go through). Linear in the result's paths plus the answer's edges.
    public init(graph: Graph, result: ImpactResult) {
        var index: [ComponentRef: Int] = [:]
        var worst: [ComponentRef: ImpactSeverity] = [:]
        var flagged: Set<ComponentRef> = []
        func note(_ ref: ComponentRef, _ severity: ImpactSeverity) {
            if let old = worst[ref], old >= severity { return }
            worst[ref] = severity
        }
        for flag in result.flagged {
            flagged.insert(flag.ref)
            note(flag.ref, flag.severity)
        }
        for component in result.affected {
            // Versionless aliases on the way (an agent that names `cx-llama-3.1-8b-ft` without a revision) are not
            // listed as affected, but the path goes through them: draw them with the path's severity.
            for ref in component.path { note(ref, component.severity) }
        }
        let ordered = worst.keys.sorted { a, b in
            let (fa, fb) = (flagged.contains(a), flagged.contains(b))
            return fa != fb ? fa : a < b
        }
        for ref in ordered {
            index[ref] = nodes.count
            let properties = graph.id(of: ref).map { graph.node($0).properties } ?? [:]
            nodes.append(
                Node(ref: ref, severity: worst[ref]!, isFlagged: flagged.contains(ref), properties: properties))
        }
        var seen: Set<Edge> = []
        for (position, node) in nodes.enumerated() {
            guard let id = graph.id(of: node.ref) else { continue }
            for edge in graph.forward(id) where edge.relation.propagatesRisk {
                guard let target = index[graph.node(edge.node).ref] else { continue }
                let answerEdge = Edge(dependent: position, dependency: target, relation: edge.relation)
                if seen.insert(answerEdge).inserted { edges.append(answerEdge) }
            }
        }
    }

    /// A short label for people: the name, and a version cut to 12 characters (revisions are 40-hex commit ids).
    public static func label(_ ref: ComponentRef) -> String {
        var name = ref.kind == .artifact ? "sha256:" + String(ref.name.prefix(12)) + "…" : ref.name
        if let version = ref.version {
            name += "@" + (version.count > 14 ? String(version.prefix(12)) + "…" : version)
        }
        return name
    }

    /// The colour of a severity (text, lines), the same in DOT and in the HTML report.
    public static func colour(_ severity: ImpactSeverity) -> String {
        switch severity {
        case .critical: return "#b42318"
        case .high: return "#c4320a"
        case .medium: return "#a15c07"
        case .low: return "#175cd3"
        case .unknown: return "#475467"
        }
    }

    /// The light fill of a severity.
    public static func fill(_ severity: ImpactSeverity) -> String {
        switch severity {
        case .critical: return "#fee4e2"
        case .high: return "#ffead5"
        case .medium: return "#fef0c7"
        case .low: return "#d1e9ff"
        case .unknown: return "#f2f4f7"
        }
    }

    /// The answer in Graphviz DOT: dependencies left of their dependents (flagged components on the left, agents
    /// on the right), arrows from dependent to dependency labelled with the relation, severity as colour, flagged
    /// components with a double border. Labels are escaped as in ``Graph/dot()``.
    public func dot() -> String {
        var lines = [
            "digraph impact {", "  rankdir=LR;", "  nodesep=0.15;", "  ranksep=0.5;",
            "  node [fontname=\"Helvetica\", fontsize=10, style=filled];",
            "  edge [fontname=\"Helvetica\", fontsize=8];",
        ]
        let shapes: [NodeKind: String] = [
            .agent: "box", .model: "ellipse", .dataset: "cylinder", .corpus: "cylinder", .package: "component",
            .tool: "hexagon", .artifact: "note",
        ]
        for (id, node) in nodes.enumerated() {
            let colour = Self.colour(node.severity)
            let text = [Self.label(node.ref)] + (node.isFlagged ? ["(flagged, \(node.severity.rawValue))"] : [])
            lines.append(
                "  n\(id) [label=\(Self.quoted(text)), tooltip=\(Self.quoted([node.ref.description])), "
                    + "shape=\(shapes[node.ref.kind] ?? "ellipse"), color=\"\(colour)\", "
                    + "fillcolor=\"\(Self.fill(node.severity))\"\(node.isFlagged ? ", peripheries=2, penwidth=2" : "")];"
            )
        }
        for edge in edges {
            // Written dependency -> dependent so the layout ranks dependencies first; dir=back points the arrow at
            // the dependency, as in the whole-graph export.
            let colour = Self.colour(nodes[edge.dependency].severity)
            lines.append(
                "  n\(edge.dependency) -> n\(edge.dependent) [dir=back, label=\(Self.quoted([edge.relation.rawValue])), "
                    + "color=\"\(colour)\", fontcolor=\"\(colour)\"];")
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A DOT string of `lines`: control and bidi characters (a newline in a name too) shown as ``TerminalText``
    /// escapes, then DOT's quoting; the lines are joined with DOT's `\n` line break.
    static func quoted(_ lines: [String]) -> String {
        let lines = lines.map { line in
            line.terminalEscaped.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
        }
        return "\"" + lines.joined(separator: "\\n") + "\""
    }
}
