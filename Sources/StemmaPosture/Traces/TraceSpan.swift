/// An OTLP attribute value (`AnyValue`), as read from OTLP/JSON.
public enum TraceValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case bytes(String)
    case array([TraceValue])
    case kvlist([(String, TraceValue)])

    public static func == (lhs: TraceValue, rhs: TraceValue) -> Bool {
        switch (lhs, rhs) {
        case let (.string(a), .string(b)), let (.bytes(a), .bytes(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case let (.int(a), .int(b)): return a == b
        case let (.double(a), .double(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.kvlist(a), .kvlist(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value as text: a string as is, a number in decimal, a Boolean as `true`/`false`; nil for structures.
    public var text: String? {
        switch self {
        case .string(let value), .bytes(let value): return value
        case .int(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .double(let value): return String(value)
        case .array, .kvlist: return nil
        }
    }

    /// The value as a non-negative integer: an int, or a string of decimal digits (some emitters send tokens
    /// as strings).
    public var count: Int64? {
        switch self {
        case .int(let value): return value >= 0 ? value : nil
        case .string(let value): return Int64(value).flatMap { $0 >= 0 ? $0 : nil }
        case .double(let value) where value >= 0 && value < 9e18 && value == value.rounded(): return Int64(value)
        default: return nil
        }
    }
}

/// One span read from a trace file, with ids as lowercase hex.
public struct TraceSpan: Sendable {
    /// 32 lowercase hex digits.
    public var traceID: String
    /// 16 lowercase hex digits.
    public var spanID: String
    /// The parent's span id, or nil for a root span.
    public var parentSpanID: String?
    /// The span name.
    public var name: String
    /// `kind` (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer).
    public var kind: Int
    /// Start time, nanoseconds since the Unix epoch.
    public var startNanos: UInt64
    /// The span's attributes (a later duplicate key replaces an earlier one).
    public var attributes: [String: TraceValue]
    /// The resource's `service.name`, if any.
    public var serviceName: String?
    /// The file the span was read from (as given on the command line).
    public var file: String

    /// The attribute `key` as text, if present and not empty.
    public func string(_ key: String) -> String? {
        guard let text = attributes[key]?.text, !text.isEmpty else { return nil }
        return text
    }
}

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

    /// Whether a human accepted the call (a `user_*`/`User` source with an accepting decision).
    public var isHumanApproval: Bool {
        let who = source.lowercased()
        let human = who == "user" || (who.hasPrefix("user_") && who != "user_reject" && who != "user_abort")
        let yes = ["accept", "accepted", "approved", "approved_for_session", "allow", "allowed", "yes"]
        return human && yes.contains(decision.lowercased())
    }
}
