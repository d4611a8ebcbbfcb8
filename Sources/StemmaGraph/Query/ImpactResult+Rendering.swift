public import StemmaCore

extension ImpactResult {
    /// The report's `schemaVersion`: 2 lists every affected component with its kind (1 listed agents only).
    public static let schemaVersion = 2

    /// Non-agent components listed in the text output; the JSON lists them all.
    static let textComponentLimit = 100

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
        let affectedValues = affected.map { component -> JSONValue in
            .object([
                ("kind", .string(component.ref.kind.rawValue)),
                ("name", .string(component.ref.name)),
                ("ref", .string(component.ref.description)),
                ("severity", .string(component.severity.rawValue)),
                ("path", .array(component.path.map { .string($0.description) })),
                ("relations", .array(component.relations.map { .string($0.rawValue) })),
                ("flaggedBy", .string(component.flaggedBy.description)),
                ("pathTruncated", .bool(component.pathTruncated)),
                (
                    "properties",
                    .object(component.properties.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                ),
            ])
        }
        return .object([
            ("schemaVersion", .integer(Self.schemaVersion)),
            ("query", .string(query)),
            ("flagged", .array(flaggedValues)),
            ("affected", .array(affectedValues)),
            ("affectedAgents", .integer(affectedAgentCount)),
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
        let noun = affectedAgentCount == 1 ? "agent" : "agents"
        lines.append("\(affectedAgentCount) \(noun) affected (and \(affectedComponentCount) other components):")
        let agents = affected.filter { $0.ref.kind == .agent }
        for agent in agents {
            let place = ["owner", "account", "stage"].map { key in
                "\(key)=\((agent.properties[key] ?? "?").terminalEscaped)"
            }
            lines.append(
                "  \(label(agent.severity, style)) \(agent.ref.description.terminalEscaped)  \(style.dim(place.joined(separator: " ")))"
            )
            appendChain(agent, to: &lines)
        }
        let others = affected.filter { $0.ref.kind != .agent }
        if !others.isEmpty {
            lines.append("")
            lines.append("other affected components (\(others.count)):")
            for component in others.prefix(Self.textComponentLimit) {
                lines.append(
                    "  \(label(component.severity, style)) \(component.ref.kind.rawValue) \(component.ref.description.terminalEscaped)"
                )
                appendChain(component, to: &lines)
            }
            if others.count > Self.textComponentLimit {
                lines.append("  … \(others.count - Self.textComponentLimit) more (see --format json)")
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

    private func label(_ severity: ImpactSeverity, _ style: TextStyle) -> String {
        severity >= .high ? style.red(severity.rawValue) : style.yellow(severity.rawValue)
    }

    /// The chain from a component down to what flagged it, one indented line per step.
    private func appendChain(_ component: AffectedComponent, to lines: inout [String]) {
        for (depth, relation) in component.relations.enumerated() {
            let indent = String(repeating: "   ", count: depth)
            lines.append(
                "    \(indent)└─ \(relation.rawValue) \(component.path[depth + 1].description.terminalEscaped)")
        }
        if component.pathTruncated {
            lines.append(
                "    … (path cut after \(component.relations.count) steps; flagged by \(component.flaggedBy.description.terminalEscaped))"
            )
        }
    }
}
