import StemmaCore
import StemmaPosture
import StemmaTestSupport

/// Hand-built OTLP/JSON, written to the encoding the OTLP specification gives (hex ids, integer enums, 64-bit
/// integers as decimal strings), and a helper that judges it.
enum TraceFixture {
    static let trace = "4fd0b6131f19f39af59518d127b0cafe"

    /// A string attribute value.
    static func s(_ text: String) -> String { #"{"stringValue": "\#(text)"}"# }
    /// An int attribute value, as OTLP/JSON writes it (a decimal string).
    static func i(_ value: Int) -> String { #"{"intValue": "\#(value)"}"# }

    /// One span. `id` and `parent` are 16 hex digits (a short number is padded).
    static func span(
        _ id: Int, parent: Int?, name: String, kind: Int = 1, trace: String = trace, start: Int = 1_000,
        _ attributes: [(String, String)] = [], events: [String] = []
    ) -> String {
        let parentJSON = parent.map { #", "parentSpanId": "\#(hex($0))""# } ?? ""
        let eventsJSON = events.isEmpty ? "" : #", "events": [\#(events.joined(separator: ", "))]"#
        return
            #"{"traceId": "\#(trace)", "spanId": "\#(hex(id))"\#(parentJSON), "name": "\#(name)", "kind": \#(kind), "#
            + #""startTimeUnixNano": "\#(start)", "endTimeUnixNano": "\#(start + 10)", "#
            + #""attributes": [\#(attributeList(attributes))], "status": {}\#(eventsJSON)}"#
    }

    /// OTLP/JSON `attributes`: key/value pairs whose values are JSON `AnyValue`s.
    static func attributeList(_ attributes: [(String, String)]) -> String {
        attributes.map { #"{"key": "\#($0.0)", "value": \#($0.1)}"# }.joined(separator: ", ")
    }

    /// A span event as `tracing-opentelemetry` exports a Codex `trace_event!`: no message, so the event is named
    /// after its call site, and the Codex name is the `event.name` field, next to `level` and `target`.
    static func event(_ name: String, at time: Int = 1_005, _ attributes: [(String, String)]) -> String {
        let attrs =
            [("level", s("INFO")), ("target", s("codex_otel.trace_safe")), ("event.name", s(name))] + attributes
        return #"{"timeUnixNano": "\#(time)", "name": "event codex-rs/otel/src/events/session_telemetry.rs:1010", "#
            + #""attributes": [\#(attributeList(attrs))]}"#
    }

    static func hex(_ id: Int) -> String {
        let digits = String(id, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// A `TracesData` document on one line.
    static func traces(service: String = "svc", _ spans: [String]) -> String {
        #"{"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "\#(service)"}}]}, "#
            + #""scopeSpans": [{"scope": {"name": "test"}, "spans": [\#(spans.joined(separator: ", "))]}]}]}"#
    }

    /// A `LogsData` line with one tool-decision record (Claude Code's event shape).
    static func decision(event: String, callID: String, decision: String, source: String, trace: String? = trace)
        -> String
    {
        let traceJSON = trace.map { #""traceId": "\#($0)", "# } ?? ""
        return #"{"resourceLogs": [{"resource": {"attributes": []}, "scopeLogs": [{"logRecords": [{\#(traceJSON)"#
            + #""timeUnixNano": "5", "body": {"stringValue": "\#(event)"}, "attributes": ["#
            + #"{"key": "event.name", "value": {"stringValue": "tool_decision"}}, "#
            + #"{"key": "tool_use_id", "value": {"stringValue": "\#(callID)"}}, "#
            + #"{"key": "decision", "value": {"stringValue": "\#(decision)"}}, "#
            + #"{"key": "source", "value": {"stringValue": "\#(source)"}}]}]}]}]}"#
    }

    static func agent(_ id: Int, parent: Int? = nil, agentID: String, start: Int = 1_000, trace: String = trace)
        -> String
    {
        span(
            id, parent: parent, name: "invoke_agent \(agentID)", trace: trace, start: start,
            [("gen_ai.operation.name", s("invoke_agent")), ("gen_ai.agent.id", s(agentID))])
    }

    static func tool(_ id: Int, parent: Int?, name: String, call: String? = nil, trace: String = trace) -> String {
        var attrs = [("gen_ai.operation.name", s("execute_tool")), ("gen_ai.tool.name", s(name))]
        attrs.append(("gen_ai.tool.call.id", s(call ?? "call_\(id)")))
        return span(id, parent: parent, name: "execute_tool \(name)", trace: trace, attrs)
    }

    static func chat(_ id: Int, parent: Int?, input: Int, output: Int) -> String {
        span(
            id, parent: parent, name: "chat gpt-4o", kind: 3,
            [
                ("gen_ai.operation.name", s("chat")), ("gen_ai.provider.name", s("openai")),
                ("gen_ai.usage.input_tokens", i(input)), ("gen_ai.usage.output_tokens", i(output)),
            ])
    }

    static let policyHeader = "agent_posture_policy:\n  identity:\n    agent_id: \"*\"\n"

    /// Reads `lines` (one file's text), builds runs and judges them against `policy` YAML and `history`.
    static func judge(_ text: String, policy: String = policyHeader, history: [RunSummary] = [])
        throws -> [TraceRunResult]
    {
        var reader = OTLPJSONReader()
        try reader.read(bytes: Array(text.utf8), source: "traces.jsonl")
        let policies = try PosturePolicyLoader.parse(Array(policy.utf8), source: "policy.yaml")
        var warnings: [String] = []
        return TraceEvaluator.evaluate(
            TraceRunBuilder.runs(reader.spans), policies: policies, agents: [], decisions: reader.decisions,
            history: history, warnings: &warnings)
    }

    /// `rule:status` of a run's findings.
    static func rules(_ result: TraceRunResult) -> [String] {
        result.findings.map { "\($0.rule.id):\($0.status.rawValue)" }
    }
}
