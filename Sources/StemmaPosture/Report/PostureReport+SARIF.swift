public import StemmaCore

extension PostureReport {
    /// SARIF 2.1.0: one result per finding, located at the config file and line of its first evidence (a run
    /// from traces: its trace file, with the trace and span ids as properties).
    public func sarifValue() -> JSONValue {
        var seen = Set<String>()
        var rules: [SARIFLog.Rule] = []
        var results: [SARIFLog.Result] = []
        let subjects: [(id: String, findings: [PostureFinding], fallback: SourceLocation?)] =
            agents.map { ($0.agent.id, $0.findings, $0.agent.sources.first.map { SourceLocation(path: $0.path) }) }
            + runs.map { ($0.run.agent, $0.findings, SourceLocation(path: $0.run.file)) }
        for result in subjects {
            for finding in result.findings {
                let level =
                    finding.status == .unverified ? "note" : finding.rule.severity >= .high ? "error" : "warning"
                if seen.insert(finding.rule.id).inserted {
                    var rule = SARIFLog.Rule(
                        id: finding.rule.id, summary: finding.rule.summary,
                        fullDescription:
                            "\(finding.rule.summary) Posture dimension \(finding.rule.dimension), severity "
                            + "\(finding.rule.severity.rawValue); a check the inputs cannot decide is a note "
                            + "(unverified), never a pass.",
                        level: finding.rule.severity >= .high ? "error" : "warning",
                        helpUri: SARIFLog.helpUri(forRule: finding.rule.id))
                    rule.properties = [
                        ("dimension", .string(finding.rule.dimension)),
                        ("severity", .string(finding.rule.severity.rawValue)),
                        ("tags", .array(finding.rule.refs.map(JSONValue.string))),
                    ]
                    rules.append(rule)
                }
                let place = finding.evidence.first?.location ?? result.fallback
                var entry = SARIFLog.Result(
                    ruleId: finding.rule.id, level: level, message: "\(result.id): \(finding.message)",
                    path: place?.path ?? ".", line: place?.line)
                entry.properties =
                    [("agent", .string(result.id)), ("status", .string(finding.status.rawValue))]
                    + (finding.evidence.first?.traceID.map { [("traceId", .string($0))] } ?? [])
                    + (finding.evidence.first?.spanID.map { [("spanId", .string($0))] } ?? [])
                results.append(entry)
            }
        }
        return SARIFLog.make(rules: rules, results: results)
    }
}
