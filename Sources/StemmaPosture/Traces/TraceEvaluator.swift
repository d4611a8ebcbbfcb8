/// One run judged: its summary, the governing policy, the baseline comparison and the findings.
public struct TraceRunResult: Sendable {
    /// The run.
    public var run: TraceRun
    /// Its metrics.
    public var summary: RunSummary
    /// The policy governing the run's agent (as in the static report: a sub-agent may get its parent's), if any.
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
        var policyOf: [String: PosturePolicy?] = [:]
        for (run, summary) in zip(runs, summaries) {
            if policyOf[run.agent] == nil {
                policyOf[run.agent] = .some(
                    PostureAnalysis.policy(forAgent: run.agent, policies: policies, byID: byID, warnings: &warnings))
            }
            let policy = policyOf[run.agent] ?? nil
            let earlier = (timeline[run.agent] ?? [])[..<(position[summary.key] ?? 0)]
            let checks = (policy?.baseline ?? baseline).check(summary, earlier: earlier)
            var findings: [PostureFinding] = []
            let context = RunContext(
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
