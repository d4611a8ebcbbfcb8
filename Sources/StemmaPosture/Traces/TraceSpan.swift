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
    /// Tool calls the span records as events rather than as child spans (Codex's `codex.tool_result`).
    public var toolResults: [ToolResult] = []

    /// A tool call recorded as a span event: Codex's `codex.tool_result` (`tool_name`, `call_id`).
    public struct ToolResult: Sendable, Equatable {
        /// `tool_name`, when recorded.
        public var name: String?
        /// `call_id`, when recorded.
        public var callID: String?

        /// Event names that record a tool call on the span that ran it.
        public static let eventNames: Set<String> = ["codex.tool_result"]

        /// A tool result event.
        public init(name: String?, callID: String?) {
            self.name = name
            self.callID = callID
        }

        /// The tool call a span event records, or nil when the event is not one. The Codex name is the event's
        /// name or, as the Rust `tracing` bridge exports it, its `event.name` attribute. For every OTLP decoder
        /// (JSON files, a live receiver).
        public init?(event name: String?, attributes: [String: TraceValue]) {
            let names = [name, attributes["event.name"]?.text]
            guard names.contains(where: { $0.map(Self.eventNames.contains) ?? false }) else { return nil }
            self.name = attributes["tool_name"]?.text.flatMap { $0.isEmpty ? nil : $0 }
            callID = attributes["call_id"]?.text.flatMap { $0.isEmpty ? nil : $0 }
        }
    }

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
