public import StemmaCore

/// Reads OTLP/JSON trace files: one `TracesData` (or `ExportTraceServiceRequest`) document, or JSON Lines of
/// them as the OTLP file exporter and the Collector's `file` exporter write. `LogsData` documents in the same
/// files or folder contribute tool-decision events (approval evidence).
///
/// OTLP/JSON differs from the generic protobuf JSON mapping: ids are hex, enums are integers, and 64-bit
/// integers are decimal strings (numbers are accepted too). Everything is bounded: file size, spans, attributes.
public struct OTLPJSONReader {
    /// Largest trace file read.
    public static let maxFileBytes = 64 << 20
    /// Most spans read across all files.
    public static let maxSpans = 1_000_000
    /// Most files read from a folder.
    public static let maxFiles = 10_000
    /// Most bytes read across all files.
    public static let maxTotalBytes = 1 << 30

    private var totalBytes = 0
    private var toolEvents = 0

    /// The spans read.
    public private(set) var spans: [TraceSpan] = []
    /// Tool-decision events read.
    public private(set) var decisions: [ToolDecisionRecord] = []
    /// Spans or lines skipped, with why.
    public private(set) var warnings: [String] = []

    /// An empty reader.
    public init() {}

    /// Reads `path`: a file, or the `.json`/`.jsonl` files under a folder (sorted, symbolic links not followed).
    public mutating func read(path: String) throws(StemmaError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw StemmaError(.io, "cannot read the traces '\(path)'") }
        if status.st_mode & S_IFMT == S_IFDIR {
            let (files, listWarnings) = try PostureFiles.list(root: path)
            warnings += listWarnings
            let traces = files.filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonl") }
            guard traces.count <= Self.maxFiles else {
                throw StemmaError(.limitExceeded, "'\(path)' holds more than \(Self.maxFiles) trace files")
            }
            for file in traces { try readFile(path + "/" + file, shown: path + "/" + file) }
        } else {
            try readFile(path, shown: path)
        }
    }

    /// Reads one file's bytes: a whole JSON document, else JSON Lines (a blank line is skipped).
    public mutating func read(bytes: [UInt8], source: String) throws(StemmaError) {
        totalBytes += bytes.count
        guard totalBytes <= Self.maxTotalBytes else {
            throw StemmaError(.limitExceeded, "the traces exceed \(Self.maxTotalBytes) bytes in total")
        }
        if let document = try? JSONParser.parse(bytes, source: source) {
            try take(document, source: source)
            return
        }
        try JSONLines.forEach(bytes, source: source) { (document, _) throws(StemmaError) in
            try take(document, source: source)
        }
    }

    private mutating func readFile(_ path: String, shown: String) throws(StemmaError) {
        try read(bytes: BoundedFile.read(path, maxBytes: Self.maxFileBytes), source: shown)
    }

    private mutating func take(_ document: JSONValue, source: String) throws(StemmaError) {
        guard document.objectValue != nil else {
            throw StemmaError(.malformedInput, "'\(source)': a trace document must be a JSON object")
        }
        for resourceSpans in document["resourceSpans"]?.arrayValue ?? [] {
            let resource = Self.attributes(resourceSpans["resource"]?["attributes"])
            let service = resource["service.name"]?.text
            for scopeSpans in resourceSpans["scopeSpans"]?.arrayValue ?? [] {
                for span in scopeSpans["spans"]?.arrayValue ?? [] {
                    guard spans.count < Self.maxSpans else {
                        throw StemmaError(.limitExceeded, "more than \(Self.maxSpans) spans in the traces")
                    }
                    if var parsed = Self.span(span, service: service, source: source) {
                        for event in span["events"]?.arrayValue ?? [] {
                            if let decision = Self.decision(event, traceID: parsed.traceID, source: source) {
                                decisions.append(decision)
                            } else if let result = Self.toolResult(event) {
                                toolEvents += 1
                                guard toolEvents <= Self.maxSpans else {
                                    throw StemmaError(
                                        .limitExceeded, "more than \(Self.maxSpans) tool events in the traces")
                                }
                                parsed.toolResults.append(result)
                            }
                        }
                        spans.append(parsed)
                    } else if warnings.count < 1000 {
                        warnings.append("'\(source)': a span without a valid traceId/spanId was skipped")
                    }
                }
            }
        }
        for resourceLogs in document["resourceLogs"]?.arrayValue ?? [] {
            for scopeLogs in resourceLogs["scopeLogs"]?.arrayValue ?? [] {
                for record in scopeLogs["logRecords"]?.arrayValue ?? [] {
                    let traceID = record["traceId"]?.stringValue.flatMap { Self.hexID($0, length: 32) }
                    if let decision = Self.decision(record, traceID: traceID, source: source) {
                        guard decisions.count < Self.maxSpans else {
                            throw StemmaError(.limitExceeded, "more than \(Self.maxSpans) log records in the traces")
                        }
                        decisions.append(decision)
                    }
                }
            }
        }
    }

    static func span(_ value: JSONValue, service: String?, source: String) -> TraceSpan? {
        guard let trace = value["traceId"]?.stringValue.flatMap({ hexID($0, length: 32) }),
            let id = value["spanId"]?.stringValue.flatMap({ hexID($0, length: 16) })
        else { return nil }
        var parent: String?
        if let raw = value["parentSpanId"]?.stringValue, !raw.isEmpty {
            // A parent id that is present but not hex is kept as given, so the span shows as an orphan.
            parent = hexID(raw, length: 16) ?? "invalid:" + String(raw.prefix(40))
        }
        var kind = 0
        switch value["kind"] {
        case .number(let text)?: kind = Int(text) ?? 0
        case .string(let text)?: kind = Self.kindNames[text] ?? 0
        default: break
        }
        return TraceSpan(
            traceID: trace, spanID: id, parentSpanID: parent, name: value["name"]?.stringValue ?? "", kind: kind,
            startNanos: uint64(value["startTimeUnixNano"]) ?? 0, attributes: attributes(value["attributes"]),
            serviceName: service, file: source)
    }

    static let kindNames = [
        "SPAN_KIND_UNSPECIFIED": 0, "SPAN_KIND_INTERNAL": 1, "SPAN_KIND_SERVER": 2, "SPAN_KIND_CLIENT": 3,
        "SPAN_KIND_PRODUCER": 4, "SPAN_KIND_CONSUMER": 5,
    ]

    static func decision(_ value: JSONValue, traceID: String?, source: String) -> ToolDecisionRecord? {
        let attributes = attributes(value["attributes"])
        let names = [
            value["eventName"]?.stringValue, value["name"]?.stringValue, value["body"]?["stringValue"]?.stringValue,
        ]
        return ToolDecisionRecord(eventNames: names, attributes: attributes, traceID: traceID, source: source)
    }

    /// A Codex `codex.tool_result` span event: its `tool_name` and `call_id`.
    static func toolResult(_ event: JSONValue) -> TraceSpan.ToolResult? {
        TraceSpan.ToolResult(event: event["name"]?.stringValue, attributes: attributes(event["attributes"]))
    }

    /// `[{"key", "value": AnyValue}]` as a dictionary; entries that are not key/value pairs are skipped.
    static func attributes(_ value: JSONValue?) -> [String: TraceValue] {
        var result: [String: TraceValue] = [:]
        for entry in value?.arrayValue ?? [] {
            guard let key = entry["key"]?.stringValue, let any = entry["value"], let parsed = anyValue(any) else {
                continue
            }
            result[key] = parsed
        }
        return result
    }

    /// An `AnyValue`. Depth is bounded by the JSON parser's depth limit.
    static func anyValue(_ value: JSONValue) -> TraceValue? {
        if let text = value["stringValue"]?.stringValue { return .string(text) }
        if let flag = value["boolValue"]?.boolValue { return .bool(flag) }
        if let int = value["intValue"] {
            switch int {
            case .string(let text): return Int64(text).map(TraceValue.int)
            case .number(let text): return Int64(text).map(TraceValue.int)
            default: return nil
            }
        }
        if let double = value["doubleValue"] {
            switch double {
            case .string(let text), .number(let text): return Double(text).map(TraceValue.double)
            default: return nil
            }
        }
        if let bytes = value["bytesValue"]?.stringValue { return .bytes(bytes) }
        if let array = value["arrayValue"] {
            return .array((array["values"]?.arrayValue ?? []).compactMap(anyValue))
        }
        if let list = value["kvlistValue"] {
            return .kvlist(
                (list["values"]?.arrayValue ?? []).compactMap { entry in
                    guard let key = entry["key"]?.stringValue, let inner = entry["value"].flatMap(anyValue) else {
                        return nil
                    }
                    return (key, inner)
                })
        }
        return nil
    }

    /// A 64-bit unsigned integer given as a decimal string or a number.
    static func uint64(_ value: JSONValue?) -> UInt64? {
        switch value {
        case .string(let text)?: return UInt64(text)
        case .number?: return value?.exactUInt64
        default: return nil
        }
    }

    /// A hex id of `length` digits, lowercased; nil when malformed or all zeros (an invalid id in OTLP).
    static func hexID(_ text: String, length: Int) -> String? {
        let utf8 = Array(text.utf8)
        guard utf8.count == length,
            utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }),
            !utf8.allSatisfy({ $0 == 0x30 })
        else { return nil }
        return text.lowercased()
    }
}

#if canImport(Glibc)
    import Glibc
#endif
