public import StemmaGraph

/// Draws an ``ImpactSubgraph`` as inline SVG: with Graphviz `dot` when it is installed and allowed, otherwise with
/// the built-in ``LayeredLayout``.
public enum AnswerDrawing {
    /// How to lay the graph out.
    public enum Engine: String, Sendable, CaseIterable {
        /// Graphviz when `dot` is on PATH, otherwise built in.
        case auto
        /// Graphviz `dot` only; no drawing when it is missing or fails.
        case graphviz
        /// The built-in layered layout only.
        case builtin
    }

    /// A drawing and what made it.
    public struct Drawing: Sendable {
        /// An `<svg>` element, safe to inline.
        public var svg: String
        /// `graphviz` or `built-in`.
        public var engine: String
    }

    /// The longest label drawn, in characters.
    static let maxLabel = 44

    /// The drawing, or nil when there is nothing to draw or it is too large (``LayeredLayout/maxNodes``) or the
    /// engine asked for could not run.
    public static func draw(
        _ answer: ImpactSubgraph, engine: Engine, anchor: (ComponentRef) -> String? = { _ in nil }
    ) -> Drawing? {
        guard !answer.nodes.isEmpty, answer.nodes.count <= LayeredLayout.maxNodes else { return nil }
        if engine != .builtin {
            if let svg = GraphvizRunner.svg(fromDOT: answer.dot()) { return Drawing(svg: svg, engine: "graphviz") }
            if engine == .graphviz { return nil }
        }
        return builtIn(answer, anchor: anchor).map { Drawing(svg: $0, engine: "built-in") }
    }

    /// The label shown for a node, cut to ``maxLabel`` characters.
    static func shortLabel(_ ref: ComponentRef) -> String {
        let label = ImpactSubgraph.label(ref)
        return label.count > maxLabel ? String(label.prefix(maxLabel - 1)) + "…" : label
    }

    /// The built-in layout as SVG: dependencies on the left, agents on the right, arrows pointing at the
    /// dependency (as in the DOT export), relations on the edges, severity as colour, flagged components bold.
    static func builtIn(_ answer: ImpactSubgraph, anchor: (ComponentRef) -> String?) -> String? {
        let labels = answer.nodes.map { shortLabel($0.ref) }
        // About 6.4 px a character at 11 px (7.2 in bold, for flagged components), plus padding.
        let widths = zip(labels, answer.nodes).map { label, node in
            Double(label.count) * (node.isFlagged ? 7.2 : 6.4) + 22
        }
        let edges = answer.edges.map { (from: $0.dependency, to: $0.dependent) }
        guard let layout = LayeredLayout(widths: widths, edges: edges) else { return nil }
        let (width, height) = (Int(layout.width.rounded(.up)), Int(layout.height.rounded(.up)))
        var svg = [
            "<svg class=\"answer\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
                + "role=\"img\" aria-label=\"The flagged components and the paths to every affected component\">",
            "<defs>",
        ]
        for severity in ImpactSeverity.allCases {
            svg.append(
                "<marker id=\"arrow-\(severity.rawValue)\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                    + "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                    + "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"\(ImpactSubgraph.colour(severity))\"/></marker>")
        }
        svg.append("</defs>")
        // Relation labels that would overlap one already placed are left out (the path list below names every
        // relation); a grid of 100 x 12 px cells keeps the check linear.
        var placedLabels: [Int: [(x: Double, y: Double, width: Double)]] = [:]
        func fits(_ x: Double, _ y: Double, _ width: Double) -> Bool {
            let (column, row) = (Int(x / 100), Int(y / 12))
            for c in (column - 1)...(column + 1) {
                for r in (row - 1)...(row + 1) {
                    for box in placedLabels[c * 100_000 + r] ?? []
                    where abs(box.x - x) < (box.width + width) / 2 + 2 && abs(box.y - y) < 11 {
                        return false
                    }
                }
            }
            placedLabels[column * 100_000 + row, default: []].append((x, y, width))
            return true
        }
        for route in layout.routes {
            let edge = answer.edges[route.edge]
            let severity = answer.nodes[edge.dependency].severity
            let colour = ImpactSubgraph.colour(severity)
            var d = "M\(format(route.points[0].x)),\(format(route.points[0].y))"
            for step in 1..<route.points.count {
                let (a, b) = (route.points[step - 1], route.points[step])
                let middle = (a.x + b.x) / 2
                d += " C\(format(middle)),\(format(a.y)) \(format(middle)),\(format(b.y)) \(format(b.x)),\(format(b.y))"
            }
            svg.append(
                "<path class=\"edge\" d=\"\(d)\" stroke=\"\(colour)\" marker-start=\"url(#arrow-\(severity.rawValue))\"/>"
            )
            // The relation halfway along the first segment, where the curves that leave one node have spread out.
            let (a, b) = (route.points[0], route.points[1])
            let (labelX, labelY) = ((a.x + b.x) / 2, (a.y + b.y) / 2 - 3)
            guard fits(labelX, labelY, Double(edge.relation.rawValue.count) * 5.2) else { continue }
            svg.append(
                "<text class=\"relation\" x=\"\(format(labelX))\" y=\"\(format(labelY))\" "
                    + "fill=\"\(colour)\">\(HTML.text(edge.relation.rawValue))</text>")
        }
        for (index, node) in answer.nodes.enumerated() {
            let placed = layout.nodes[index]
            let (x, y) = (placed.x, placed.y - LayeredLayout.nodeHeight / 2)
            let radius = node.ref.kind == .agent ? 3 : 11
            var shape =
                "<g class=\"node\(node.isFlagged ? " flagged" : "")\"><title>\(HTML.text(node.ref.description))</title>"
                + "<rect x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(placed.width))\" "
                + "height=\"\(format(LayeredLayout.nodeHeight))\" rx=\"\(radius)\" "
                + "fill=\"\(ImpactSubgraph.fill(node.severity))\" stroke=\"\(ImpactSubgraph.colour(node.severity))\"/>"
                + "<text x=\"\(format(x + placed.width / 2))\" y=\"\(format(placed.y + 4))\">"
                + "\(HTML.text(labels[index]))</text></g>"
            if let target = anchor(node.ref) { shape = "<a href=\"#\(HTML.attribute(target))\">" + shape + "</a>" }
            svg.append(shape)
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
