/// One run judged: its summary, the governing policy, the baseline comparison and the findings.
public struct TraceRunResult: Sendable {
    /// The run.
    public var run: TraceRun
    /// Its metrics.
    public var summary: RunSummary
    /// The policy matching the run's agent, if any.
    public var policy: PosturePolicy?
    /// Baseline comparisons (empty when the history holds fewer than the minimum runs).
    public var baseline: [BaselineCheck]
    /// Earlier runs of the agent available for the baseline.
    public var baselineRuns: Int
    /// `fail` or `unverified` findings; every one names its trace and span ids.
    public var findings: [PostureFinding]
}

/// Applies the runtime rules to runs: AP-EXEC-1..4, AP-PERM-1, AP-ID-3, AP-MON-1, AP-MON-2.
public enum TraceEvaluator {
    /// Judges `runs` against `policies`, using `agents` (the inventory) for tool classes and `history` for baselines.
    public static func evaluate(
        _ runs: [TraceRun], policies: [PosturePolicy], agents: [AgentPosture], decisions: [ToolDecisionRecord],
        history: [RunSummary], baseline: RunBaseline = RunBaseline(), warnings: inout [String]
    ) -> [TraceRunResult] {
        var byID: [String: AgentPosture] = [:]
        for agent in agents where byID[agent.id] == nil { byID[agent.id] = agent }
        var decisionsByCall: [String: [ToolDecisionRecord]] = [:]
        var tracesWithDecisions = Set<String>()
        var untracedDecisions = false
        for decision in decisions {
            if let call = decision.callID { decisionsByCall[call, default: []].append(decision) }
            if let trace = decision.traceID { tracesWithDecisions.insert(trace) } else { untracedDecisions = true }
        }
        let summaries = runs.map { summarize($0, agent: byID[$0.agent]) }
        // Per agent: every known run once (history and this input), in time order, for the baseline windows.
        var timeline: [String: [RunSummary]] = [:]
        var seen = Set<String>()
        for summary in history + summaries where !seen.contains(summary.key) {
            seen.insert(summary.key)
            timeline[summary.agent, default: []].append(summary)
        }
        var position: [String: Int] = [:]
        for agent in timeline.keys {
            timeline[agent]?.sort { ($0.startNanos, $0.key) < ($1.startNanos, $1.key) }
            for (offset, summary) in (timeline[agent] ?? []).enumerated() { position[summary.key] = offset }
        }
        var results: [TraceRunResult] = []
        for (run, summary) in zip(runs, summaries) {
            let policy = PostureAnalysis.match(run.agent, policies: policies, warnings: &warnings)
            let earlier = (timeline[run.agent] ?? [])[..<(position[summary.key] ?? 0)]
            let checks = (policy?.baseline ?? baseline).check(summary, earlier: earlier)
            var findings: [PostureFinding] = []
            var context = RunContext(
                run: run, agent: byID[run.agent], policy: policy, decisionsByCall: decisionsByCall,
                decisionsRecorded: untracedDecisions || tracesWithDecisions.contains(run.traceID))
            context.limits(summary, into: &findings)
            context.toolCalls(into: &findings)
            context.spawns(into: &findings)
            context.monitoring(into: &findings)
            let alerting = policy?.alertOnBaselineDeviation ?? true
            let metrics = policy?.baselineMetrics
            for check in checks where check.flagged && alerting && (metrics?.contains(check.metric) ?? true) {
                findings.append(
                    context.finding(
                        "AP-EXEC-4", .fail,
                        "\(check.metric)=\(check.value) > \(check.factor)× max(mean \(check.mean), floor "
                            + "\((policy?.baseline ?? baseline).floor)) over the last \(check.window) runs of '\(run.agent)'",
                        spans: [(run.rootSpanID, "run root")]))
            }
            results.append(
                TraceRunResult(
                    run: run, summary: summary, policy: policy, baseline: checks, baselineRuns: earlier.count,
                    findings: findings))
        }
        return results
    }

    /// The run's metrics (external calls need tool classes, hence the inventory agent).
    static func summarize(_ run: TraceRun, agent: AgentPosture?) -> RunSummary {
        let external = run.toolCalls.filter { call in
            call.name.map { TraceTools.classes(of: $0, agent: agent).classes[.networkEgress] != nil } ?? false
        }
        return RunSummary(
            agent: run.agent, traceID: run.traceID, rootSpanID: run.rootSpanID, startNanos: run.startNanos,
            toolCalls: Int64(run.toolCalls.count), externalCalls: Int64(external.count),
            subAgentSpawns: Int64(run.spawns.count), tokens: run.tokens)
    }
}

/// The rules for one run.
struct RunContext {
    let run: TraceRun
    let agent: AgentPosture?
    let policy: PosturePolicy?
    let decisionsByCall: [String: [ToolDecisionRecord]]
    let decisionsRecorded: Bool

    /// A finding whose evidence names the trace and each span.
    func finding(_ rule: String, _ status: PostureFinding.Status, _ message: String, spans: [(String, String)])
        -> PostureFinding
    {
        var result = PostureFinding(rule, status, message)
        result.evidence = spans.map { span in
            PostureFinding.Evidence(
                location: SourceLocation(path: run.file),
                detail: "trace_id=\(run.traceID) span_id=\(span.0): \(span.1)",
                traceID: run.traceID, spanID: span.0)
        }
        return result
    }

    func limits(_ summary: RunSummary, into findings: inout [PostureFinding]) {
        if let limit = policy?.maxToolCallsPerRun, summary.toolCalls > limit {
            findings.append(
                finding(
                    "AP-EXEC-1", .fail, "\(summary.toolCalls) tool calls in one run; the policy allows \(limit)",
                    spans: [(run.rootSpanID, "run root")] + run.toolCalls.prefix(5).map { ($0.spanID, $0.name ?? "?") })
            )
        }
        if let limit = policy?.maxTokensPerRun, summary.tokens > limit {
            findings.append(
                finding(
                    "AP-EXEC-1", .fail, "\(summary.tokens) tokens in one run; the policy allows \(limit)",
                    spans: [(run.rootSpanID, "run root")]))
        }
        if let limit = policy?.maxSubAgents, run.spawns.count > limit {
            findings.append(
                finding(
                    "AP-EXEC-2", .fail, "\(run.spawns.count) sub-agent spawn(s) in one run; the policy allows \(limit)",
                    spans: run.spawns.prefix(5).map { ($0.spanID, "spawned \($0.identity)") }))
        }
    }

    func spawns(into findings: inout [PostureFinding]) {
        for spawn in run.spawns where spawn.identity == spawn.parentIdentity {
            findings.append(
                finding(
                    "AP-ID-3", .fail, "sub-agent spawned with its parent's identity '\(spawn.identity)'",
                    spans: [(spawn.spanID, "sub-agent \(spawn.identity)")]))
        }
    }

    func monitoring(into findings: inout [PostureFinding]) {
        if !run.monitoringGaps.isEmpty {
            let names = Set(run.monitoringGaps.flatMap(\.missing)).sorted().joined(separator: ", ")
            findings.append(
                finding(
                    "AP-MON-1", .fail,
                    "\(run.monitoringGaps.count) GenAI span(s) lack attributes posture needs: \(names)",
                    spans: run.monitoringGaps.prefix(10).map {
                        ($0.spanID, "missing " + $0.missing.joined(separator: ", "))
                    }
                ))
        }
        if !run.orphanSpanIDs.isEmpty {
            findings.append(
                finding(
                    "AP-MON-2", .fail,
                    "incomplete span tree: \(run.orphanSpanIDs.count) span(s) whose parent is not in the traces; "
                        + "counted with the trace's first run",
                    spans: run.orphanSpanIDs.prefix(10).map { ($0, "parent missing") }))
        }
    }

    func toolCalls(into findings: inout [PostureFinding]) {
        for call in run.toolCalls {
            guard let name = call.name else { continue }
            let (classes, unknown) = TraceTools.classes(of: name, agent: agent)
            if let policy { permission(call, name: name, classes: classes, policy: policy, into: &findings) }
            guard let policy, policy.requiresApprovalForWrites || policy.requiresHumanApproval.contains(name) else {
                continue
            }
            let writing = !CapabilityClass.writing.isDisjoint(with: classes.keys)
            guard writing || unknown || policy.requiresHumanApproval.contains(name) else { continue }
            approval(call, name: name, unknownClasses: unknown && !writing, into: &findings)
        }
    }

    private func permission(
        _ call: TraceRun.ToolCall, name: String, classes: [CapabilityClass: CapabilityEvidence],
        policy: PosturePolicy, into findings: inout [PostureFinding]
    ) {
        let span = [(call.spanID, "\(call.caller) called \(name)")]
        if let denied = policy.deniedTools.first(where: { TraceTools.matches(entry: $0, tool: name, loose: true) }) {
            findings.append(
                finding("AP-PERM-1", .fail, "denied tool '\(name)' was called (policy entry '\(denied)')", spans: span))
        } else if let allowed = policy.allowedTools, !allowed.isEmpty,
            !allowed.contains(where: { TraceTools.matches(entry: $0, tool: name, loose: false) })
        {
            findings.append(
                finding("AP-PERM-1", .fail, "tool '\(name)' was called; it is not in allowed_tools", spans: span))
        }
        for capability in policy.deniedCapabilities where classes[capability] != nil {
            findings.append(
                finding(
                    "AP-PERM-1", .fail, "tool '\(name)' with denied capability \(capability.rawValue) was called",
                    spans: span))
        }
    }

    private func approval(
        _ call: TraceRun.ToolCall, name: String, unknownClasses: Bool, into findings: inout [PostureFinding]
    ) {
        let recorded = call.callID.flatMap { decisionsByCall[$0] } ?? []
        if recorded.contains(where: \.isHumanApproval) { return }
        let span = [(call.spanID, "\(call.caller) ran \(name)")]
        if let decision = recorded.first {
            findings.append(
                finding(
                    "AP-EXEC-3", .fail,
                    "write tool '\(name)' ran; its recorded decision is '\(decision.decision)' by '\(decision.source)', "
                        + "not a human approval",
                    spans: span))
        } else if unknownClasses {
            findings.append(
                finding(
                    "AP-EXEC-3", .unverified,
                    "tool '\(name)' ran without recorded approval; whether it writes is unknown",
                    spans: span))
        } else if decisionsRecorded {
            findings.append(
                finding(
                    "AP-EXEC-3", .fail, "write tool '\(name)' ran with no approval decision recorded", spans: span))
        } else {
            findings.append(
                finding(
                    "AP-EXEC-3", .unverified,
                    "write tool '\(name)' ran; the emitter records no approval decisions, so approval is unverified",
                    spans: span))
        }
    }
}
