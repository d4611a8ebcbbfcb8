public import StemmaCore

extension ImpactResult {
    /// The SARIF rule id of an affected agent.
    public static let sarifRuleId = "impact.affected-agent"

    /// SARIF 2.1.0 with one result per affected agent (whatever `--kind` lists), at the agent's severity, its
    /// message naming the path down to the flagged component.
    /// - Parameter location: the artifact for every result (the inventory given); agents are read from many
    ///   files, and which one declared an agent is not kept.
    public func sarifValue(location: String) -> JSONValue {
        let rule = SARIFLog.Rule(
            id: Self.sarifRuleId, summary: "An agent depends on a flagged component.",
            fullDescription:
                "The agent reaches a component flagged by the query, an OSV advisory, a revocation list or --flag, "
                + "through the dependency path in the message (fine-tunes, adapters, training data, packages, "
                + "tools, sub-agents). Critical and high are errors, medium warnings, low and unknown notes.",
            level: "error", helpUri: SARIFLog.helpUri(forRule: Self.sarifRuleId))
        let results = agents.map { agent -> SARIFLog.Result in
            let chain = agent.path.map(\.description).joined(separator: " -> ")
            let level =
                switch agent.severity.rawValue {
                case "critical", "high": "error"
                case "medium": "warning"
                default: "note"
                }
            var result = SARIFLog.Result(
                ruleId: Self.sarifRuleId, level: level,
                message:
                    "\(agent.ref.description) (\(agent.severity.rawValue)) reaches \(agent.flaggedBy.description): "
                    + chain,
                path: location)
            result.properties = [
                ("agent", .string(agent.ref.description)),
                ("severity", .string(agent.severity.rawValue)),
                ("flaggedBy", .string(agent.flaggedBy.description)),
                ("path", .array(agent.path.map { .string($0.description) })),
            ]
            for key in ["owner", "account", "stage"] {
                if let value = agent.properties[key] { result.properties.append((key, .string(value))) }
            }
            return result
        }
        return SARIFLog.make(rules: results.isEmpty ? [] : [rule], results: results)
    }
}
