public import StemmaCore

extension PostureReport {
    /// Reads the traces at `path` (a file or folder), judges every run against `policies` with the inventory's
    /// agents for tool classes, compares each with the baseline from `history` (a JSON Lines file; created when
    /// missing) and appends the new runs' summaries to it.
    public mutating func addTraces(
        path: String, policies: [PosturePolicy], history: String?, baseline: RunBaseline = RunBaseline()
    ) throws(StemmaError) {
        var reader = OTLPJSONReader()
        try reader.read(path: path)
        warnings += reader.warnings
        let earlier = try history.map { path throws(StemmaError) in try RunHistory.read(path) } ?? []
        let runs = TraceRunBuilder.runs(reader.spans)
        if runs.isEmpty { warnings.append("no agent runs (invoke_agent spans or their aliases) in '\(path)'") }
        self.runs = TraceEvaluator.evaluate(
            runs, policies: policies, agents: agents.map(\.agent), decisions: reader.decisions, history: earlier,
            baseline: baseline, warnings: &warnings)
        if let history { try RunHistory.append(self.runs.map(\.summary), to: history) }
    }

    /// The runs in `schemas/posture-report.schema.json` (`runs`).
    func runsJSON() -> JSONValue { .array(runs.map(Self.runJSON)) }

    /// One judged run as `schemas/posture-report.schema.json` (`$defs/run`) describes it; `stemma posture serve`
    /// writes the same members on each line.
    public static func runJSON(_ result: TraceRunResult) -> JSONValue {
        let run = result.run
        let summary = result.summary
        var members: [(String, JSONValue)] = [
            ("agent", .string(run.agent)), ("traceId", .string(run.traceID)),
            ("rootSpanId", .string(run.rootSpanID)), ("emitter", .string(run.emitter)),
            ("startTimeUnixNano", .string(String(run.startNanos))), ("file", .string(run.file)),
        ]
        members.append(
            ("policy", result.policy.map { .string($0.agentID) } ?? .null))
        members.append(("toolCalls", .integer(summary.toolCalls)))
        members.append(("externalCalls", .integer(summary.externalCalls)))
        members.append(("subAgentSpawns", .integer(summary.subAgentSpawns)))
        members.append(("tokens", .integer(summary.tokens)))
        members.append(
            (
                "calls",
                .array(
                    run.toolCalls.map { call in
                        .object([
                            ("tool", call.name.map(JSONValue.string) ?? .null),
                            ("callId", call.callID.map(JSONValue.string) ?? .null),
                            ("caller", .string(call.caller)), ("spanId", .string(call.spanID)),
                        ])
                    })
            ))
        members.append(
            (
                "spawns",
                .array(
                    run.spawns.map { spawn in
                        .object([
                            ("agent", .string(spawn.identity)), ("ownId", .bool(spawn.hasOwnID)),
                            ("parent", .string(spawn.parentIdentity)), ("spanId", .string(spawn.spanID)),
                        ])
                    })
            ))
        members.append(("orphanSpans", .array(run.orphanSpanIDs.map(JSONValue.string))))
        members.append(("baseline", Self.baselineJSON(result)))
        members.append(("findings", .array(result.findings.map(Self.finding))))
        return .object(members)
    }

    /// A run's baseline comparison: the earlier runs it had and, per metric, value, window, mean, factor and
    /// whether it was flagged (in the report's `runs` and the attestation's trace evidence).
    static func baselineJSON(_ result: TraceRunResult) -> JSONValue {
        .object([
            ("earlierRuns", .integer(result.baselineRuns)),
            (
                "checks",
                .array(
                    result.baseline.map { check in
                        .object([
                            ("metric", .string(check.metric)), ("value", .integer(check.value)),
                            ("window", .integer(check.window)), ("mean", .string(check.mean)),
                            ("factor", .integer(check.factor)), ("flagged", .bool(check.flagged)),
                        ])
                    })
            ),
        ])
    }

    /// The runs section of the text report.
    func runsText() -> [String] {
        guard !runs.isEmpty else { return [] }
        var lines = ["", "Runs from traces: \(runs.count)"]
        for result in runs {
            let run = result.run
            let s = result.summary
            lines.append("")
            lines.append(
                "-- run \(run.agent.terminalEscaped) trace \(run.traceID) root \(run.rootSpanID) [\(run.emitter)]")
            lines.append(
                "   tool calls \(s.toolCalls), external \(s.externalCalls), sub-agents \(s.subAgentSpawns), tokens "
                    + "\(s.tokens), orphan spans \(run.orphanSpanIDs.count)")
            if result.baseline.isEmpty {
                lines.append("   baseline: \(result.baselineRuns) earlier run(s); too few to judge")
            } else {
                let check = result.baseline[0]
                lines.append(
                    "   baseline: window \(check.window) runs, factor \(check.factor); "
                        + result.baseline.map { "\($0.metric) \($0.value) vs mean \($0.mean)" }.joined(separator: ", "))
            }
            for finding in result.findings {
                lines.append(
                    "   \(finding.status.rawValue.uppercased()) \(finding.rule.id) \(finding.rule.severity.rawValue): "
                        + finding.message.terminalEscaped)
                for item in finding.evidence.prefix(4) { lines.append("       \(item.detail.terminalEscaped)") }
            }
        }
        return lines
    }
}
