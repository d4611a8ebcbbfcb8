#if Serve
    public import StemmaCore
    public import StemmaPosture
    import Foundation
    import SwiftProtobuf

    /// The spans of one OTLP export request, read into the same `TraceSpan`s the OTLP/JSON reader makes, so the
    /// posture evaluator sees protobuf and JSON alike.
    public struct OTLPTraceBatch: Sendable {
        /// The spans with valid ids.
        public var spans: [TraceSpan] = []
        /// Tool decisions recorded as span events.
        public var decisions: [ToolDecisionRecord] = []
        /// Spans rejected for an invalid trace or span id (reported back as a partial success).
        public var rejected = 0

        /// An empty batch.
        public init() {}
    }

    /// Reads `ExportTraceServiceRequest` protobuf bodies and writes the OTLP/HTTP responses.
    public enum OTLPProtobufReader {
        /// Nesting allowed in a request (AnyValue arrays and lists nest); deeper input is rejected, not recursed.
        public static let maxDepth = 64

        /// Decodes a protobuf `ExportTraceServiceRequest`; `source` names where it came from in the spans.
        public static func read(_ bytes: [UInt8], source: String) throws(StemmaError) -> OTLPTraceBatch {
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = maxDepth
            options.discardUnknownFields = true
            let request: OTLPExportTraceServiceRequest
            do {
                request = try OTLPExportTraceServiceRequest(serializedBytes: bytes, options: options)
            } catch {
                throw StemmaError(.malformedInput, "not an OTLP ExportTraceServiceRequest (\(error))")
            }
            var batch = OTLPTraceBatch()
            for resourceSpans in request.resourceSpans {
                let service = attributes(resourceSpans.resource.attributes)["service.name"]?.text
                for scopeSpans in resourceSpans.scopeSpans {
                    for span in scopeSpans.spans {
                        guard let parsed = self.span(span, service: service, source: source) else {
                            batch.rejected += 1
                            continue
                        }
                        var withEvents = parsed
                        for event in span.events {
                            let eventAttributes = attributes(event.attributes)
                            if let decision = ToolDecisionRecord(
                                eventNames: [event.name], attributes: eventAttributes,
                                traceID: parsed.traceID, source: source)
                            {
                                batch.decisions.append(decision)
                            } else if let result = TraceSpan.ToolResult(event: event.name, attributes: eventAttributes)
                            {
                                // A Codex tool call recorded as a span event, as the JSON reader keeps it.
                                withEvents.toolResults.append(result)
                            }
                        }
                        batch.spans.append(withEvents)
                    }
                }
            }
            return batch
        }

        static func span(_ span: OTLPSpan, service: String?, source: String) -> TraceSpan? {
            guard let trace = hexID(span.traceID, length: 16), let id = hexID(span.spanID, length: 8) else {
                return nil
            }
            var parent: String?
            if !span.parentSpanID.isEmpty {
                // As the JSON reader does: a parent id that is not valid is kept, so the span shows as an orphan.
                parent =
                    hexID(span.parentSpanID, length: 8) ?? "invalid:" + String(Hex.encode(span.parentSpanID).prefix(40))
            }
            return TraceSpan(
                traceID: trace, spanID: id, parentSpanID: parent, name: span.name, kind: span.kind.rawValue,
                startNanos: span.startTimeUnixNano, attributes: attributes(span.attributes), serviceName: service,
                file: source)
        }

        /// Key/value pairs as a dictionary (a later duplicate key replaces an earlier one; an empty value is skipped).
        static func attributes(_ pairs: [OTLPKeyValue]) -> [String: TraceValue] {
            var result: [String: TraceValue] = [:]
            for pair in pairs {
                if let value = anyValue(pair.value) { result[pair.key] = value }
            }
            return result
        }

        /// An `AnyValue` (depth bounded by the decoder's message depth limit). Bytes are kept as base64, as
        /// OTLP/JSON carries them.
        static func anyValue(_ value: OTLPAnyValue) -> TraceValue? {
            switch value.value {
            case .stringValue(let text)?: return .string(text)
            case .boolValue(let flag)?: return .bool(flag)
            case .intValue(let number)?: return .int(number)
            case .doubleValue(let number)?: return .double(number)
            case .bytesValue(let data)?: return .bytes(data.base64EncodedString())
            case .arrayValue(let array)?: return .array(array.values.compactMap(anyValue))
            case .kvlistValue(let list)?:
                return .kvlist(list.values.compactMap { pair in anyValue(pair.value).map { (pair.key, $0) } })
            case nil: return nil
            }
        }

        /// Lowercase hex of an id of `length` bytes; nil when the length is wrong or every byte is zero.
        static func hexID(_ data: Data, length: Int) -> String? {
            guard data.count == length, data.contains(where: { $0 != 0 }) else { return nil }
            return Hex.encode(data)
        }
    }
#endif
