/// One run's metrics as kept in the history file (`schemas/posture-history.schema.json`).
public struct RunSummary: Sendable, Equatable {
    /// The run's agent identity.
    public var agent: String
    /// The trace id.
    public var traceID: String
    /// The root span id.
    public var rootSpanID: String
    /// Start of the root span, nanoseconds since the epoch.
    public var startNanos: UInt64
    /// Tool calls.
    public var toolCalls: Int64
    /// Tool calls whose classes include `network_egress`.
    public var externalCalls: Int64
    /// Sub-agent spawns.
    public var subAgentSpawns: Int64
    /// Tokens over inference spans.
    public var tokens: Int64

    /// A summary.
    public init(
        agent: String, traceID: String, rootSpanID: String, startNanos: UInt64, toolCalls: Int64,
        externalCalls: Int64, subAgentSpawns: Int64, tokens: Int64
    ) {
        self.agent = agent
        self.traceID = traceID
        self.rootSpanID = rootSpanID
        self.startNanos = startNanos
        self.toolCalls = toolCalls
        self.externalCalls = externalCalls
        self.subAgentSpawns = subAgentSpawns
        self.tokens = tokens
    }

    /// The history key: trace id and root span id.
    public var key: String { traceID + "/" + rootSpanID }

    /// The metrics baselines compare, by name.
    public var metrics: [(String, Int64)] {
        [
            ("tool_calls", toolCalls), ("external_calls", externalCalls), ("sub_agent_spawns", subAgentSpawns),
            ("tokens", tokens),
        ]
    }
}

/// One metric of one run compared with the agent's earlier runs (AP-EXEC-4).
public struct BaselineCheck: Sendable, Equatable {
    /// `tool_calls`, `external_calls`, `sub_agent_spawns` or `tokens`.
    public var metric: String
    /// The run's value.
    public var value: Int64
    /// Runs in the window.
    public var window: Int
    /// The window's mean, as a decimal with two places (exact comparison uses integers).
    public var mean: String
    /// The factor.
    public var factor: Int64
    /// `value > factor × max(mean, floor)`.
    public var flagged: Bool
}

/// The deterministic baseline rule: per agent and metric, the last `window` runs before the judged one (at least
/// `minRuns`); a run is flagged when `x > factor × max(mean, floor)`. The comparison is exact in integers
/// (`x·n > factor·sum`), so 10.5× is flagged and exactly 10× is not.
public struct RunBaseline: Sendable, Equatable {
    /// Runs in the window (default 30).
    public var window = 30
    /// Fewest runs needed to judge (default 10).
    public var minRuns = 10
    /// The factor (the seed's 10).
    public var factor: Int64 = 10
    /// The floor under the mean (1), so a zero mean does not make a single call an anomaly.
    public var floor: Int64 = 1

    /// The default baseline.
    public init() {}

    /// Compares `run` with `earlier` (the agent's runs before it, oldest first). Empty when too few runs.
    public func check(_ run: RunSummary, earlier: ArraySlice<RunSummary>) -> [BaselineCheck] {
        let recent = earlier.suffix(window)
        guard recent.count >= minRuns else { return [] }
        let n = Int128(recent.count)
        var result: [BaselineCheck] = []
        for (position, (metric, value)) in run.metrics.enumerated() {
            let sum = recent.reduce(Int128(0)) { $0 + Int128($1.metrics[position].1) }
            let x = Int128(value)
            // mean < floor  <=>  sum < floor·n
            let flagged = sum < Int128(floor) * n ? x > Int128(factor) * Int128(floor) : x * n > Int128(factor) * sum
            let hundredths = (sum * 100 + n / 2) / n
            let mean = "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
            result.append(
                BaselineCheck(
                    metric: metric, value: value, window: recent.count, mean: mean, factor: factor, flagged: flagged))
        }
        return result
    }
}
