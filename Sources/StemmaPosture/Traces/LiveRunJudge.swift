public import StemmaCore

/// Judges the traces a `LiveRunAssembler` hands out with the same run builder and evaluator as `--traces`, so a
/// trace judged live and the same trace read from a file give the same findings. Keeps the run history in memory
/// for baselines and appends each judged run's summary to the `--history` file (deduplicated by trace id and
/// root span id, as the file path does). Judgements are serialised: the history is one sequence.
public final class LiveRunJudge: Sendable {
    private struct State {
        var history: [RunSummary]
    }

    private let policies: [PosturePolicy]
    private let agents: [AgentPosture]
    private let historyPath: String?
    private let baseline: RunBaseline
    private let state: LockedValue<State>

    /// A judge for `policies`, with the inventory's `agents` for tool classes, reading the baseline history from
    /// `historyPath` (created when missing) once.
    public init(
        policies: [PosturePolicy], agents: [AgentPosture] = [], historyPath: String?,
        baseline: RunBaseline = RunBaseline()
    ) throws(StemmaError) {
        self.policies = policies
        self.agents = agents
        self.historyPath = historyPath
        self.baseline = baseline
        let earlier = try historyPath.map { path throws(StemmaError) in try RunHistory.read(path) } ?? []
        state = LockedValue(State(history: earlier))
    }

    /// Judges one ready trace: its runs with their findings, and warnings (a policy that matches no agent, a run
    /// history that could not be written).
    public func judge(_ trace: LiveRunAssembler.ReadyTrace) -> (runs: [TraceRunResult], warnings: [String]) {
        state.withLock { state in
            var warnings: [String] = []
            let runs = TraceRunBuilder.runs(trace.spans)
            let results = TraceEvaluator.evaluate(
                runs, policies: policies, agents: agents, decisions: trace.decisions, history: state.history,
                baseline: baseline, warnings: &warnings)
            let summaries = results.map(\.summary)
            state.history += summaries
            if let historyPath, !summaries.isEmpty {
                do {
                    try RunHistory.append(summaries, to: historyPath)
                } catch {
                    warnings.append("could not append to the history '\(historyPath)': \(error)")
                }
            }
            return (results, warnings)
        }
    }
}

extension LiveRunJudge {
    /// The `schema` member of each line `stemma posture serve` writes.
    public static let lineSchema = "stemma/posture-live/v1"

    /// One run as a line of `stemma posture serve`'s output (`schemas/posture-live.schema.json`): the schema, why
    /// the run was judged then, and the members of a run in `stemma posture --format json`.
    public static func line(_ result: TraceRunResult, trigger: LiveRunAssembler.Trigger) -> String {
        var members: [(String, JSONValue)] = [("schema", .string(lineSchema)), ("trigger", .string(trigger.rawValue))]
        if case .object(let run) = PostureReport.runJSON(result) { members += run }
        return JSONWriter().string(.object(members))
    }
}
