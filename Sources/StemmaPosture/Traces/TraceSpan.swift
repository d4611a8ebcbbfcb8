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

    /// A span with every field given (the protobuf reader builds spans as the JSON reader does).
    public init(
        traceID: String, spanID: String, parentSpanID: String?, name: String, kind: Int, startNanos: UInt64,
        attributes: [String: TraceValue], serviceName: String?, file: String
    ) {
        self.traceID = traceID
        self.spanID = spanID
        self.parentSpanID = parentSpanID
        self.name = name
        self.kind = kind
        self.startNanos = startNanos
        self.attributes = attributes
        self.serviceName = serviceName
        self.file = file
    }

    /// The attribute `key` as text, if present and not empty.
    public func string(_ key: String) -> String? {
        guard let text = attributes[key]?.text, !text.isEmpty else { return nil }
        return text
    }
}
