#if Serve
    import Foundation
    import StemmaCore
    import StemmaPosture
    import SwiftProtobuf
    import Testing

    @testable import StemmaOTLP

    /// Protobuf export requests read into the same spans, decisions and findings as the OTLP/JSON reader gives for
    /// the same trace; bad bodies are errors, never crashes.
    @Suite struct OTLPProtobufReaderTests {
        static let trace = "4fd0b6131f19f39af59518d127b0cafe"

        static func hex(_ id: Int) -> String {
            let digits = String(id, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }

        /// A GenAI run in OTLP/JSON: agent, a denied shell call, a write without approval, a sub-agent with its
        /// parent's id, an inference span, a span whose parent is missing, a kvlist/array attribute and a decision
        /// event.
        static let json: String = {
            func span(_ id: Int, _ parent: Int?, _ name: String, _ attributes: String, events: String = "[]") -> String
            {
                let parentJSON = parent.map { #""parentSpanId": "\#(hex($0))", "# } ?? ""
                return #"{"traceId": "\#(trace)", "spanId": "\#(hex(id))", \#(parentJSON)"name": "\#(name)", "#
                    + #""kind": 1, "startTimeUnixNano": "\#(1000 + id)", "endTimeUnixNano": "\#(2000 + id)", "#
                    + #""attributes": [\#(attributes)], "events": \#(events), "status": {}}"#
            }
            func s(_ key: String, _ value: String) -> String {
                #"{"key": "\#(key)", "value": {"stringValue": "\#(value)"}}"#
            }
            let spans = [
                span(
                    1, nil, "invoke_agent planner",
                    [s("gen_ai.operation.name", "invoke_agent"), s("gen_ai.agent.id", "planner")].joined(
                        separator: ", ")),
                span(
                    2, 1, "execute_tool Bash",
                    [
                        s("gen_ai.operation.name", "execute_tool"), s("gen_ai.tool.name", "Bash"),
                        s("gen_ai.tool.call.id", "c2"),
                    ].joined(separator: ", ")),
                span(
                    3, 1, "execute_tool write_file",
                    [
                        s("gen_ai.operation.name", "execute_tool"), s("gen_ai.tool.name", "write_file"),
                        s("gen_ai.tool.call.id", "c3"),
                        #"{"key": "gen_ai.tool.call.arguments", "value": {"kvlistValue": {"values": [{"key": "path", "value": {"stringValue": "/tmp/x"}}, {"key": "n", "value": {"arrayValue": {"values": [{"intValue": "7"}, {"doubleValue": 1.5}, {"boolValue": true}, {"bytesValue": "AQI="}]}}}]}}}"#,
                    ].joined(separator: ", "),
                    events:
                        #"[{"timeUnixNano": "5", "name": "tool_decision", "attributes": [\#(s("tool_use_id", "c3")), \#(s("decision", "accept")), \#(s("source", "config"))]}]"#
                ),
                span(
                    4, 1, "invoke_agent planner",
                    [s("gen_ai.operation.name", "invoke_agent"), s("gen_ai.agent.id", "planner")].joined(
                        separator: ", ")),
                span(
                    5, 4, "chat gpt-4o",
                    [
                        s("gen_ai.operation.name", "chat"), s("gen_ai.provider.name", "openai"),
                        #"{"key": "gen_ai.usage.input_tokens", "value": {"intValue": "120"}}"#,
                        #"{"key": "gen_ai.usage.output_tokens", "value": {"intValue": "30"}}"#,
                    ].joined(separator: ", ")),
                span(
                    6, 99, "execute_tool lookup",
                    [
                        s("gen_ai.operation.name", "execute_tool"), s("gen_ai.tool.name", "lookup"),
                        s("gen_ai.tool.call.id", "c6"),
                    ].joined(separator: ", ")),
            ]
            return #"{"resourceSpans": [{"resource": {"attributes": [\#(s("service.name", "svc"))]}, "#
                + #""scopeSpans": [{"scope": {"name": "t"}, "spans": [\#(spans.joined(separator: ", "))]}]}]}"#
        }()

        static let policy = """
            agent_posture_policy:
              identity:
                agent_id: "*"
              permissions:
                denied_tools: [Bash]
              execution:
                requires_human_approval: [any_write_operation]
            """

        /// The protobuf form of spans read from OTLP/JSON (what an SDK exporter would send for them).
        static func request(_ spans: [TraceSpan], events: [Int: [OTLPSpan.Event]] = [:])
            -> OTLPExportTraceServiceRequest
        {
            func any(_ value: TraceValue) -> OTLPAnyValue {
                var out = OTLPAnyValue()
                switch value {
                case .string(let text): out.stringValue = text
                case .bool(let flag): out.boolValue = flag
                case .int(let number): out.intValue = number
                case .double(let number): out.doubleValue = number
                case .bytes(let base64): out.bytesValue = Data(base64Encoded: base64) ?? Data()
                case .array(let values): out.arrayValue = OTLPArrayValue.with { $0.values = values.map(any) }
                case .kvlist(let pairs): out.kvlistValue = OTLPKeyValueList.with { $0.values = pairs.map(pair) }
                }
                return out
            }
            func pair(_ entry: (String, TraceValue)) -> OTLPKeyValue {
                OTLPKeyValue.with {
                    $0.key = entry.0
                    $0.value = any(entry.1)
                }
            }
            var scope = OTLPScopeSpans()
            for (position, span) in spans.enumerated() {
                scope.spans.append(
                    OTLPSpan.with {
                        $0.traceID = Data(Hex.decode(span.traceID) ?? [])
                        $0.spanID = Data(Hex.decode(span.spanID) ?? [])
                        if let parent = span.parentSpanID { $0.parentSpanID = Data(Hex.decode(parent) ?? []) }
                        $0.name = span.name
                        $0.kind = OTLPSpan.SpanKind(rawValue: span.kind) ?? .unspecified
                        $0.startTimeUnixNano = span.startNanos
                        $0.endTimeUnixNano = span.startNanos + 1000
                        $0.attributes = span.attributes.sorted { $0.key < $1.key }.map(pair)
                        $0.events = events[position] ?? []
                    })
            }
            return OTLPExportTraceServiceRequest.with {
                $0.resourceSpans = [
                    OTLPResourceSpans.with {
                        $0.resource.attributes = [pair(("service.name", .string("svc")))]
                        $0.scopeSpans = [scope]
                    }
                ]
            }
        }

        static func findings(_ spans: [TraceSpan], _ decisions: [ToolDecisionRecord]) throws -> [String] {
            let policies = try PosturePolicyLoader.parse(Array(policy.utf8), source: "policy.yaml")
            var warnings: [String] = []
            let results = TraceEvaluator.evaluate(
                TraceRunBuilder.runs(spans), policies: policies, agents: [], decisions: decisions, history: [],
                warnings: &warnings)
            return results.map { LiveRunJudge.line($0, trigger: .quiet) }
        }

        @Test func protobufGivesTheSpansAndFindingsOfTheSameJSON() throws {
            var reader = OTLPJSONReader()
            try reader.read(bytes: Array(Self.json.utf8), source: "otlp-http")
            #expect(reader.spans.count == 6 && reader.decisions.count == 1)
            let event = OTLPSpan.Event.with {
                $0.name = "tool_decision"
                $0.attributes = [("tool_use_id", "c3"), ("decision", "accept"), ("source", "config")].map {
                    key, value in
                    OTLPKeyValue.with {
                        $0.key = key
                        $0.value.stringValue = value
                    }
                }
            }
            let bytes: [UInt8] = try Self.request(reader.spans, events: [2: [event]]).serializedBytes()
            let batch = try OTLPProtobufReader.read(bytes, source: "otlp-http")
            #expect(batch.rejected == 0)
            #expect(batch.spans.count == reader.spans.count)
            for (fromProtobuf, fromJSON) in zip(batch.spans, reader.spans) {
                #expect(fromProtobuf.traceID == fromJSON.traceID && fromProtobuf.spanID == fromJSON.spanID)
                #expect(fromProtobuf.parentSpanID == fromJSON.parentSpanID && fromProtobuf.name == fromJSON.name)
                #expect(fromProtobuf.kind == fromJSON.kind && fromProtobuf.startNanos == fromJSON.startNanos)
                #expect(fromProtobuf.attributes == fromJSON.attributes)
                #expect(fromProtobuf.serviceName == "svc" && fromJSON.serviceName == "svc")
            }
            #expect(batch.decisions == reader.decisions)
            let live = try Self.findings(batch.spans, batch.decisions)
            let file = try Self.findings(reader.spans, reader.decisions)
            #expect(live == file)
            let line = try #require(live.first)
            for rule in ["AP-PERM-1", "AP-EXEC-3", "AP-ID-3", "AP-MON-2"] { #expect(line.contains("\"\(rule)\"")) }
        }

        @Test func aCodexToolResultEventIsAToolCallAsInTheJSONReader() throws {
            // Codex records tool calls as `codex.tool_result` events on its turn span (the Rust tracing bridge puts the
            // name in the `event.name` attribute); the live path must keep them, or a live Codex run has no calls.
            let turn = TraceSpan(
                traceID: Self.trace, spanID: Self.hex(1), parentSpanID: nil, name: "session_task.turn", kind: 1,
                startNanos: 1000, attributes: [:], serviceName: "svc", file: "otlp-http")
            let event = OTLPSpan.Event.with {
                $0.name = "event codex-rs/otel/src/events/session_telemetry.rs:1"
                $0.attributes = [("event.name", "codex.tool_result"), ("tool_name", "shell"), ("call_id", "call_1")]
                    .map { key, value in
                        OTLPKeyValue.with {
                            $0.key = key
                            $0.value.stringValue = value
                        }
                    }
            }
            let bytes: [UInt8] = try Self.request([turn], events: [0: [event]]).serializedBytes()
            let batch = try OTLPProtobufReader.read(bytes, source: "otlp-http")
            #expect(batch.spans.first?.toolResults == [TraceSpan.ToolResult(name: "shell", callID: "call_1")])
            #expect(batch.decisions.isEmpty)
        }

        @Test func invalidIDsAreRejectedAndCounted() throws {
            var request = Self.request([])
            request.resourceSpans[0].scopeSpans[0].spans = [
                OTLPSpan.with {
                    $0.traceID = Data(repeating: 0, count: 16)
                    $0.spanID = Data([1, 2, 3, 4, 5, 6, 7, 8])
                },
                OTLPSpan.with {
                    $0.traceID = Data(repeating: 7, count: 15)
                    $0.spanID = Data([1, 2, 3, 4, 5, 6, 7, 8])
                },
                OTLPSpan.with {
                    $0.traceID = Data(repeating: 7, count: 16)
                    $0.spanID = Data([1, 2, 3, 4, 5, 6, 7, 8])
                    $0.parentSpanID = Data([0, 0, 0, 0, 0, 0, 0, 0])
                },
            ]
            let batch = try OTLPProtobufReader.read(try request.serializedBytes(), source: "x")
            #expect(batch.rejected == 2 && batch.spans.count == 1)
            // An all-zero parent is not a valid id: the span stays, marked as an orphan, as the JSON reader does.
            #expect(batch.spans.first?.parentSpanID == "invalid:0000000000000000")
        }

        @Test func malformedBodiesAreErrorsNotCrashes() throws {
            let good: [UInt8] = try OTLPExportTraceServiceRequest.with {
                $0.resourceSpans = Self.request([]).resourceSpans
            }.serializedBytes()
            var deep = OTLPAnyValue()
            deep.stringValue = "leaf"
            for _ in 0..<200 {
                var outer = OTLPAnyValue()
                outer.arrayValue.values = [deep]
                deep = outer
            }
            var nested = Self.request([])
            nested.resourceSpans[0].resource.attributes = [
                OTLPKeyValue.with {
                    $0.key = "deep"
                    $0.value = deep
                }
            ]
            let bodies: [[UInt8]] = [
                Array("this is not protobuf".utf8), [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x0A, 0x05, 0x01],
                [0xFF], try nested.serializedBytes(),
            ]
            for body in bodies {
                #expect(throws: StemmaError.self) { try OTLPProtobufReader.read(body, source: "x") }
            }
            #expect(try OTLPProtobufReader.read(good, source: "x").spans.isEmpty)
        }

        @Test func responsesAreOTLPMessagesInTheRequestsEncoding() throws {
            let empty = OTLPResponse.export(rejected: 0, message: "", json: false)
            #expect(empty.isEmpty)
            let partial = try OTLPExportTraceServiceResponse(
                serializedBytes: OTLPResponse.export(rejected: 2, message: "two dropped", json: false))
            #expect(partial.partialSuccess.rejectedSpans == 2 && partial.partialSuccess.errorMessage == "two dropped")
            let json = String(decoding: OTLPResponse.export(rejected: 2, message: "m", json: true), as: UTF8.self)
            #expect(json == #"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"m"}}"#)
            let status = try RPCStatus(serializedBytes: OTLPResponse.status(code: 3, message: "bad", json: false))
            #expect(status.code == 3 && status.message == "bad")
            #expect(
                String(decoding: OTLPResponse.status(code: 3, message: "bad", json: true), as: UTF8.self)
                    == #"{"code":3,"message":"bad"}"#)
        }
    }
#endif
