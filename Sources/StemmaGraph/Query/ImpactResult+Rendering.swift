public import StemmaCore

extension ImpactResult {
    /// The report as `schemas/impact-report.schema.json` describes it.
    public func jsonValue() -> JSONValue {
        let flaggedValues = flagged.map { flag -> JSONValue in
            .object([
                ("ref", .string(flag.ref.description)),
                ("kind", .string(flag.ref.kind.rawValue)),
                ("severity", .string(flag.severity.rawValue)),
                ("reason", .string(flag.reason)),
                ("advisory", flag.advisory.map(JSONValue.string) ?? .null),
            ])
        }
        let affectedValues = affected.map { agent -> JSONValue in
            .object([
                ("kind", .string(agent.ref.kind.rawValue)),
                ("name", .string(agent.ref.name)),
                ("ref", .string(agent.ref.description)),
                ("severity", .string(agent.severity.rawValue)),
                ("path", .array(agent.path.map { .string($0.description) })),
                ("relations", .array(agent.relations.map { .string($0.rawValue) })),
                ("flaggedBy", .string(agent.flaggedBy.description)),
                (
                    "properties",
                    .object(agent.properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                ),
            ])
        }
        return .object([
            ("schemaVersion", .integer(1)),
            ("query", .string(query)),
            ("flagged", .array(flaggedValues)),
            ("affected", .array(affectedValues)),
            ("affectedComponents", .integer(affectedComponentCount)),
            ("warnings", .array(warnings.map { .string($0.description) })),
        ])
    }

    /// A tree a person can read at a glance: each agent, where it lives, and the chain down to what is flagged.
    /// Names, properties, reasons and warnings come from inventory files and advisories, so each is escaped with
    /// ``TerminalText`` where it enters a line.
    public func text(style: TextStyle) -> String {
        var lines: [String] = []
        for flag in flagged.prefix(20) {
            lines.append(
                "\(style.red("FLAGGED")) \(flag.ref.description.terminalEscaped) (\(flag.severity.rawValue)): \(flag.reason.terminalEscaped)"
            )
        }
        if flagged.count > 20 { lines.append("  … and \(flagged.count - 20) more flagged components") }
        if flagged.isEmpty { lines.append("nothing in the inventory matches \(query.terminalEscaped)") }
        lines.append("")
        let noun = affected.count == 1 ? "agent" : "agents"
        lines.append("\(affected.count) \(noun) affected (and \(affectedComponentCount) other components):")
        for agent in affected {
            let place = ["owner", "account", "stage"].map { key in
                "\(key)=\((agent.properties[key] ?? "?").terminalEscaped)"
            }
            let label =
                agent.severity >= .high ? style.red(agent.severity.rawValue) : style.yellow(agent.severity.rawValue)
            lines.append(
                "  \(label) \(agent.ref.description.terminalEscaped)  \(style.dim(place.joined(separator: " ")))")
            for (depth, relation) in agent.relations.enumerated() {
                let indent = String(repeating: "   ", count: depth)
                lines.append(
                    "    \(indent)└─ \(relation.rawValue) \(agent.path[depth + 1].description.terminalEscaped)")
            }
        }
        if !warnings.isEmpty {
            lines.append("")
            lines.append("\(warnings.count) warning\(warnings.count == 1 ? "" : "s"):")
            for warning in warnings.prefix(50) {
                lines.append("  \(style.yellow("warning")) \(warning.description.terminalEscaped)")
            }
            if warnings.count > 50 { lines.append("  … \(warnings.count - 50) more (see --format json)") }
        }
        return lines.joined(separator: "\n")
    }
}
