public import StemmaCore

/// The `--history` file: JSON Lines, one run summary per line (`schemas/posture-history.schema.json`), keyed by
/// trace id and root span id. Appending rewrites the file atomically (a temporary file renamed over it), so a
/// crash leaves the old history or the new one, never half a line.
public enum RunHistory {
    /// Largest history file read.
    public static let maxBytes = 256 << 20
    /// The `schema` member of each line.
    public static let schema = "stemma/posture-history/v1"

    /// The summaries in `path`, oldest first as stored; an absent file is an empty history. A malformed line
    /// is an error: judging baselines against a damaged history could hide a spike.
    public static func read(_ path: String) throws(StemmaError) -> [RunSummary] {
        var status = stat()
        guard stat(path, &status) == 0 else { return [] }
        return try parse(BoundedFile.read(path, maxBytes: maxBytes), source: path)
    }

    /// Parses history bytes.
    public static func parse(_ bytes: [UInt8], source: String) throws(StemmaError) -> [RunSummary] {
        var result: [RunSummary] = []
        try JSONLines.forEach(bytes, source: source) { (value, where_) throws(StemmaError) in
            guard value["schema"]?.stringValue == schema, let agent = value["agent"]?.stringValue,
                let trace = value["traceId"]?.stringValue, let root = value["rootSpanId"]?.stringValue,
                let startText = value["startTimeUnixNano"]?.stringValue, let startNanos = UInt64(startText),
                let tools = count(value["toolCalls"]), let external = count(value["externalCalls"]),
                let spawns = count(value["subAgentSpawns"]), let tokens = count(value["tokens"])
            else {
                throw StemmaError(.malformedInput, "'\(where_)' is not a \(schema) run summary")
            }
            result.append(
                RunSummary(
                    agent: agent, traceID: trace, rootSpanID: root, startNanos: startNanos, toolCalls: tools,
                    externalCalls: external, subAgentSpawns: spawns, tokens: tokens))
        }
        return result
    }

    /// One line for `summary` (no trailing newline).
    public static func line(_ summary: RunSummary) -> String {
        JSONWriter().string(
            .object([
                ("schema", .string(schema)), ("agent", .string(summary.agent)), ("traceId", .string(summary.traceID)),
                ("rootSpanId", .string(summary.rootSpanID)),
                ("startTimeUnixNano", .string(String(summary.startNanos))),
                ("toolCalls", .integer(summary.toolCalls)), ("externalCalls", .integer(summary.externalCalls)),
                ("subAgentSpawns", .integer(summary.subAgentSpawns)), ("tokens", .integer(summary.tokens)),
            ]))
    }

    /// Appends the summaries whose key is not yet in the file (creating it), atomically; returns how many.
    @discardableResult
    public static func append(_ summaries: [RunSummary], to path: String) throws(StemmaError) -> Int {
        var status = stat()
        let existing: [UInt8] = stat(path, &status) == 0 ? try BoundedFile.read(path, maxBytes: maxBytes) : []
        var known = Set(try parse(existing, source: path).map(\.key))
        var bytes = existing
        if let last = bytes.last, last != 0x0A { bytes.append(0x0A) }
        var added = 0
        for summary in summaries where !known.contains(summary.key) {
            known.insert(summary.key)
            bytes += Array((line(summary) + "\n").utf8)
            added += 1
        }
        if added > 0 || existing.isEmpty { try AtomicFile.write(bytes, to: path) }
        return added
    }

    private static func count(_ value: JSONValue?) -> Int64? {
        guard let number = value?.exactUInt64, number <= UInt64(Int64.max) else { return nil }
        return Int64(number)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
