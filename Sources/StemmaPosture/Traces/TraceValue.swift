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
