/// An approval decision from an emitter's log events (`claude_code.tool_decision`, `codex.tool_decision`).
public struct ToolDecisionRecord: Sendable, Equatable {
    /// The trace the event belongs to, when the emitter records it.
    public var traceID: String?
    /// The tool call id (`tool_use_id`, `call_id`, `gen_ai.tool.call.id`), when recorded.
    public var callID: String?
    /// The tool name.
    public var toolName: String?
    /// `accept`, `reject`, `approved`, `denied`, ...
    public var decision: String
    /// Who decided: `user_temporary`, `config`, `User`, `AutomatedReviewer`, ...
    public var source: String
    /// Where it was read.
    public var file: String

    /// Event names that carry a tool approval decision.
    static let eventNames: Set<String> = ["claude_code.tool_decision", "tool_decision", "codex.tool_decision"]

    /// The decision an event or log record carries, when one of `eventNames` (or its `event.name` attribute)
    /// names a tool decision; nil otherwise. Shared by the OTLP/JSON and protobuf readers.
    public init?(eventNames names: [String?], attributes: [String: TraceValue], traceID: String?, source: String) {
        let all = names + [attributes["event.name"]?.text]
        guard all.contains(where: { $0.map(Self.eventNames.contains) ?? false }) else { return nil }
        self.traceID = traceID
        callID =
            ["tool_use_id", "call_id", "gen_ai.tool.call.id", "gen_ai.tool.call_id"].lazy
            .compactMap { attributes[$0]?.text }.first
        toolName = attributes["tool_name"]?.text ?? attributes["tool.name"]?.text
        decision = attributes["decision"]?.text ?? ""
        self.source = attributes["source"]?.text ?? ""
        file = source
    }

    /// Whether a human accepted the call (a `user_*`/`User` source with an accepting decision).
    public var isHumanApproval: Bool {
        let who = source.lowercased()
        let human = who == "user" || (who.hasPrefix("user_") && who != "user_reject" && who != "user_abort")
        // Codex lowercases its ReviewDecision: `approved`, `approved_for_session`, `approved_execpolicy_amendment`
        // (approved, with a rule proposed for next time); `denied`, `abort`, `timed_out` are not approvals.
        let yes = [
            "accept", "accepted", "approved", "approved_for_session", "approved_execpolicy_amendment", "allow",
            "allowed", "yes",
        ]
        return human && yes.contains(decision.lowercased())
    }
}
