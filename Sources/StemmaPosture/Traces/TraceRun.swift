/// One run: an agent span with no agent ancestor, and what happened under it across every file and batch that
/// holds spans of its trace.
public struct TraceRun: Sendable {
    /// A tool call, attributed to the nearest agent above it.
    public struct ToolCall: Sendable {
        /// The tool name as recorded (nil when the span lacks one).
        public var name: String?
        /// The call id, when recorded.
        public var callID: String?
        /// The identity of the agent that called it.
        public var caller: String
        /// The tool span.
        public var spanID: String
    }

    /// A sub-agent spawned within the run.
    public struct Spawn: Sendable {
        /// The sub-agent's identity.
        public var identity: String
        /// Whether the span carries its own `gen_ai.agent.id` (or Claude Code `agent_id`).
        public var hasOwnID: Bool
        /// The identity of the agent that spawned it.
        public var parentIdentity: String
        /// The sub-agent's span.
        public var spanID: String
    }

    /// The trace id.
    public var traceID: String
    /// The root agent span's id.
    public var rootSpanID: String
    /// The run's agent identity.
    public var agent: String
    /// The emitter family of the root span.
    public var emitter: String
    /// Start of the root span, nanoseconds since the epoch.
    public var startNanos: UInt64
    /// The file the root span was read from.
    public var file: String
    /// Tool calls (a tool span that only spawns an agent counts as a spawn, not a call).
    public var toolCalls: [ToolCall] = []
    /// Sub-agent spawns.
    public var spawns: [Spawn] = []
    /// Tokens (input + output) over inference spans only.
    public var tokens: Int64 = 0
    /// Spans of the trace whose parent is not in the input (an incomplete tree).
    public var orphanSpanIDs: [String] = []
    /// GenAI spans lacking attributes posture needs: span id and the missing attribute names.
    public var monitoringGaps: [(spanID: String, missing: [String])] = []
}

/// Builds runs from spans in time linear in the number of spans (ancestor walks are memoised).
public enum TraceRunBuilder {
    /// The runs in `spans`, ordered by start time then trace and span id.
    public static func runs(_ spans: [TraceSpan]) -> [TraceRun] {
        var nodes: [NormalizedSpan] = []
        var index: [String: Int] = [:]
        for span in spans {
            let key = span.traceID + span.spanID
            if index[key] != nil { continue }  // the same span exported twice
            index[key] = nodes.count
            nodes.append(NormalizedSpan(span))
        }
        let count = nodes.count
        // parent: -1 root, -2 missing (orphan), else the parent's index.
        let parent: [Int] = nodes.map { node in
            guard let id = node.span.parentSpanID else { return -1 }
            return index[node.span.traceID + id] ?? -2
        }
        var nearestAgent = [Int](repeating: -1, count: count)
        var topAgent = [Int](repeating: -1, count: count)
        var done = [Bool](repeating: false, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var ownMissing = parent.map { $0 == -2 }
        for start in 0..<count where !done[start] {
            var stack: [Int] = []
            var current = start
            while current >= 0, !done[current], !onStack[current] {
                stack.append(current)
                onStack[current] = true
                current = parent[current]
            }
            while let node = stack.popLast() {
                let up = parent[node]
                if up >= 0, done[up] {
                    nearestAgent[node] = nodes[up].role == .agent ? up : nearestAgent[up]
                    topAgent[node] = topAgent[up] >= 0 ? topAgent[up] : (nodes[node].role == .agent ? node : -1)
                } else {
                    // A root, a missing parent, or a cycle (the parent is still being resolved): cut here.
                    if up >= 0 { ownMissing[node] = true }
                    topAgent[node] = nodes[node].role == .agent ? node : -1
                }
                done[node] = true
                onStack[node] = false
            }
        }
        var runs: [TraceRun] = []
        var runOfRoot: [Int: Int] = [:]
        for position in 0..<count where nodes[position].role == .agent && topAgent[position] == position {
            let node = nodes[position]
            runOfRoot[position] = runs.count
            runs.append(
                TraceRun(
                    traceID: node.span.traceID, rootSpanID: node.span.spanID, agent: node.agentIdentity ?? "unknown",
                    emitter: node.emitter, startNanos: node.span.startNanos, file: node.span.file))
        }
        // Spans outside every run's tree in a trace that has runs go to its earliest run (emitters that
        // mis-parent sub-agent spans would otherwise hide calls).
        var firstRun: [String: Int] = [:]
        for (position, run) in runs.enumerated() {
            if let other = firstRun[run.traceID],
                (runs[other].startNanos, runs[other].rootSpanID) <= (run.startNanos, run.rootSpanID)
            {
                continue
            }
            firstRun[run.traceID] = position
        }
        // A trace with tool or inference spans but no agent span still gets judged (fail closed): a run rooted at
        // its earliest root span, named by the resource's service.name, whose missing agent span is AP-MON-1.
        var agentless: [String: Int] = [:]
        for position in 0..<count where firstRun[nodes[position].span.traceID] == nil {
            guard parent[position] < 0 || ownMissing[position] else { continue }
            let trace = nodes[position].span.traceID
            if let other = agentless[trace],
                (nodes[other].span.startNanos, nodes[other].span.spanID)
                    <= (nodes[position].span.startNanos, nodes[position].span.spanID)
            {
                continue
            }
            agentless[trace] = position
        }
        let genAITraces = Set(
            nodes.filter { $0.role == .tool || $0.role == .inference || !$0.span.toolResults.isEmpty }.map(
                \.span.traceID))
        for (trace, position) in agentless.sorted(by: { $0.key < $1.key }) where genAITraces.contains(trace) {
            let root = nodes[position].span
            firstRun[trace] = runs.count
            var run = TraceRun(
                traceID: trace, rootSpanID: root.spanID, agent: root.serviceName ?? "unknown",
                emitter: nodes[position].emitter, startNanos: root.startNanos, file: root.file)
            run.monitoringGaps.append((root.spanID, ["invoke_agent span"]))
            runs.append(run)
        }
        var spawnTools = Set<Int>()
        for position in 0..<count where nodes[position].role == .agent && parent[position] >= 0 {
            // A tool span, or a Codex span whose tool event spawned the agent below it: the agent is the spawn.
            let tool = nodes[parent[position]]
            if tool.role == .tool || !tool.span.toolResults.isEmpty { spawnTools.insert(parent[position]) }
        }
        var claudeSubAgents = Set<String>()
        for position in 0..<count {
            let node = nodes[position]
            let owner = topAgent[position] >= 0 ? runOfRoot[topAgent[position]] : firstRun[node.span.traceID]
            guard let owner else { continue }
            if ownMissing[position] { runs[owner].orphanSpanIDs.append(node.span.spanID) }
            if !node.missing.isEmpty { runs[owner].monitoringGaps.append((node.span.spanID, node.missing)) }
            let callerIndex = nearestAgent[position]
            let caller = callerIndex >= 0 ? nodes[callerIndex].agentIdentity ?? "unknown" : runs[owner].agent
            if node.role != .tool, !spawnTools.contains(position) {
                let own = node.role == .agent ? node.agentIdentity ?? caller : caller
                Self.eventCalls(node, caller: own, into: &runs[owner])
            }
            if node.role == .agent, node.emitter == "codex", let tokens = node.tokens {
                let (sum, overflow) = runs[owner].tokens.addingReportingOverflow(tokens)
                runs[owner].tokens = overflow ? Int64.max : sum
            }
            switch node.role {
            case .tool where !spawnTools.contains(position):
                runs[owner].toolCalls.append(
                    TraceRun.ToolCall(
                        name: node.toolName, callID: node.callID, caller: caller, spanID: node.span.spanID))
            case .agent where topAgent[position] != position:
                let own = node.span.string("gen_ai.agent.id") ?? node.span.string("agent_id")
                runs[owner].spawns.append(
                    TraceRun.Spawn(
                        identity: node.agentIdentity ?? "unknown", hasOwnID: own != nil && own != caller,
                        parentIdentity: caller, spanID: node.span.spanID))
            case .inference:
                // Claude Code marks a sub-agent's requests with `agent_id` and `parent_agent_id`: one spawn per
                // distinct sub-agent id in the run.
                if node.emitter == "claude-code", let child = node.span.string("agent_id"),
                    let parentID = node.span.string("parent_agent_id"),
                    claudeSubAgents.insert("\(owner)/\(child)").inserted
                {
                    runs[owner].spawns.append(
                        TraceRun.Spawn(
                            identity: child, hasOwnID: child != parentID, parentIdentity: parentID,
                            spanID: node.span.spanID))
                }
                let (sum, overflow) = runs[owner].tokens.addingReportingOverflow(node.tokens ?? 0)
                runs[owner].tokens = overflow ? Int64.max : sum
            default: break
            }
        }
        return runs.sorted { ($0.startNanos, $0.traceID, $0.rootSpanID) < ($1.startNanos, $1.traceID, $1.rootSpanID) }
    }

    /// Codex's sub-agent tools: a call spawns an agent (a thread of its own, recorded without an agent id).
    static let codexSpawnTools: Set<String> = ["spawn_agent", "spawn_agents_on_csv"]

    /// The tool calls a span records as events (Codex `codex.tool_result`), made by `caller`. A Codex spawn tool is a
    /// sub-agent spawn, not a call; its telemetry carries no agent id, so the spawn has none of its own.
    static func eventCalls(_ node: NormalizedSpan, caller: String, into run: inout TraceRun) {
        for result in node.span.toolResults {
            if let name = result.name, codexSpawnTools.contains(name) {
                run.spawns.append(
                    TraceRun.Spawn(identity: caller, hasOwnID: false, parentIdentity: caller, spanID: node.span.spanID))
            } else {
                run.toolCalls.append(
                    TraceRun.ToolCall(
                        name: result.name, callID: result.callID, caller: caller, spanID: node.span.spanID))
            }
        }
    }
}
