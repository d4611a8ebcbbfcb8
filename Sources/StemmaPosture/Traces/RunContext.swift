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
