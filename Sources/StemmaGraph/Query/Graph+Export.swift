public import StemmaCore

extension Graph {
    /// The whole graph as JSON: nodes with their properties and sources, edges with relation and evidence.
    public func jsonValue(warnings: [InventoryWarning]) -> JSONValue {
        let nodeValues = nodes.map { node -> JSONValue in
            .object([
                ("ref", .string(node.ref.description)),
                ("kind", .string(node.ref.kind.rawValue)),
                ("name", .string(node.ref.name)),
                ("version", node.ref.version.map(JSONValue.string) ?? .null),
                ("properties", .object(node.properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("sources", .array(node.sources.map(JSONValue.string))),
            ])
        }
        var edgeValues: [JSONValue] = []
        for (from, edges) in forwardEdges.enumerated() {
            for edge in edges {
                edgeValues.append(
                    .object([
                        ("from", .string(nodes[from].ref.description)),
                        ("to", .string(node(edge.node).ref.description)),
                        ("relation", .string(edge.relation.rawValue)),
                        ("status", .string(edge.evidence.status.rawValue)),
                        ("source", .string(edge.evidence.source)),
                    ]))
            }
        }
        return .object([
            ("schemaVersion", .integer(1)),
            ("nodes", .array(nodeValues)),
            ("edges", .array(edgeValues)),
            ("warnings", .array(warnings.map { .string($0.description) })),
        ])
    }

    /// The graph in Graphviz DOT, nodes shaped by kind, edges labelled by relation.
    public func dot() -> String {
        var lines = ["digraph stemma {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", fontsize=10];"]
        let shapes: [NodeKind: String] = [
            .agent: "box", .model: "ellipse", .dataset: "cylinder", .corpus: "cylinder", .package: "component",
            .tool: "hexagon", .artifact: "note",
        ]
        for (id, node) in nodes.enumerated() {
            lines.append(
                "  n\(id) [label=\(Self.quoted(node.ref.description)), shape=\(shapes[node.ref.kind] ?? "ellipse")];")
        }
        for (from, edges) in forwardEdges.enumerated() {
            for edge in edges {
                let style = edge.relation.propagatesRisk ? "" : ", style=dashed"
                lines.append("  n\(from) -> n\(edge.node) [label=\(Self.quoted(edge.relation.rawValue))\(style)];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A DOT string. Control and bidi characters from names are shown as ``TerminalText`` escapes first (DOT would
    /// keep them, and the output is often read on a terminal), then DOT's own quoting applies.
    private static func quoted(_ text: String) -> String {
        let visible = text.terminalEscaped
        return "\"" + visible.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
