public import StemmaCore

extension PostureReport {
    /// SARIF 2.1.0: one result per finding, located at the config file and line of its first evidence (a run
    /// from traces: its trace file, with the trace and span ids as properties).
    public func sarifValue() -> JSONValue {
        var seen = Set<String>()
        var rules: [JSONValue] = []
        var results: [JSONValue] = []
        let subjects: [(id: String, findings: [PostureFinding], fallback: SourceLocation?)] =
            agents.map { ($0.agent.id, $0.findings, $0.agent.sources.first.map { SourceLocation(path: $0.path) }) }
            + runs.map { ($0.run.agent, $0.findings, SourceLocation(path: $0.run.file)) }
        for result in subjects {
            for finding in result.findings {
                if seen.insert(finding.rule.id).inserted {
                    rules.append(
                        .object([
                            ("id", .string(finding.rule.id)),
                            ("shortDescription", .object([("text", .string(finding.rule.summary))])),
                            (
                                "properties",
                                .object([
                                    ("dimension", .string(finding.rule.dimension)),
                                    ("severity", .string(finding.rule.severity.rawValue)),
                                    ("tags", .array(finding.rule.refs.map(JSONValue.string))),
                                ])
                            ),
                        ]))
                }
                let place = finding.evidence.first?.location ?? result.fallback
                var physical: [(String, JSONValue)] = [
                    ("artifactLocation", .object([("uri", .string(place?.path ?? "."))]))
                ]
                if let line = place?.line { physical.append(("region", .object([("startLine", .integer(line))]))) }
                let level =
                    finding.status == .unverified ? "note" : finding.rule.severity >= .high ? "error" : "warning"
                results.append(
                    .object([
                        ("ruleId", .string(finding.rule.id)),
                        ("level", .string(level)),
                        ("message", .object([("text", .string("\(result.id): \(finding.message)"))])),
                        ("locations", .array([.object([("physicalLocation", .object(physical))])])),
                        (
                            "properties",
                            .object(
                                [("agent", .string(result.id)), ("status", .string(finding.status.rawValue))]
                                    + (finding.evidence.first?.traceID.map { [("traceId", .string($0))] } ?? [])
                                    + (finding.evidence.first?.spanID.map { [("spanId", .string($0))] } ?? []))
                        ),
                    ]))
            }
        }
        let driver: JSONValue = .object([
            ("name", .string("stemma")),
            ("version", .string(StemmaVersion.current)),
            ("informationUri", .string("https://github.com/stemma-dev/stemma")),
            ("rules", .array(rules)),
        ])
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([("tool", .object([("driver", driver)])), ("results", .array(results))])])),
        ])
    }
}
