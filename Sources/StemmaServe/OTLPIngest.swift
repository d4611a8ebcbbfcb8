#if Serve
    import StemmaCore
    public import StemmaPosture
    import StemmaOTLP

    /// One `POST /v1/traces` request handled apart from HTTP: the body checked and decoded, its spans handed to
    /// the assembler, and the OTLP response chosen. Never throws: every bad body becomes a 4xx answer.
    public struct OTLPIngest: Sendable {
        /// The answer to send.
        public struct Answer: Sendable, Equatable {
            /// HTTP status code.
            public var status: Int
            /// `application/x-protobuf` or `application/json`.
            public var contentType: String
            /// The body.
            public var body: [UInt8]
            /// A line for the log (stderr) when the request was refused.
            public var problem: String?
        }

        /// The body's encoding, from `Content-Type`.
        enum Encoding {
            case protobuf, json
        }

        /// Largest body accepted, before and after gzip.
        public var maxBodyBytes: Int
        /// The name spans from the receiver carry as their source (`file` in the output).
        public var source = "otlp-http"

        /// An ingest with a body bound.
        public init(maxBodyBytes: Int) { self.maxBodyBytes = maxBodyBytes }

        /// Decodes `body` sent with `contentType` and `contentEncoding` and adds its spans to `assembler` at
        /// `now`; the traces the assembler evicted to stay within its bounds are returned for judging.
        public func handle(
            body: [UInt8], contentType: String?, contentEncoding: String?, assembler: LiveRunAssembler, now: UInt64
        ) -> (answer: Answer, evicted: [LiveRunAssembler.ReadyTrace]) {
            let media = contentType.map(Self.mediaType) ?? ""
            let encoding: Encoding
            switch media {
            case "application/x-protobuf", "application/protobuf": encoding = .protobuf
            case "application/json": encoding = .json
            default:
                return (
                    refuse(
                        415, "unsupported Content-Type '\(media)': send application/x-protobuf or application/json",
                        .json),
                    []
                )
            }
            var bytes = body
            switch contentEncoding.map(Self.mediaType) ?? "" {
            case "", "identity": break
            case "gzip":
                switch GzipBody.inflate(body, maxOutput: maxBodyBytes) {
                case .inflated(let inflated): bytes = inflated
                case .tooLarge: return (refuse(413, "the inflated body exceeds \(maxBodyBytes) bytes", encoding), [])
                case .corrupt(let why): return (refuse(400, "the gzip body is not valid: \(why)", encoding), [])
                }
            case let other:
                return (refuse(415, "unsupported Content-Encoding '\(other)': send gzip or none", encoding), [])
            }
            let spans: [TraceSpan]
            let decisions: [ToolDecisionRecord]
            var rejected = 0
            do {
                switch encoding {
                case .protobuf:
                    let batch = try OTLPProtobufReader.read(bytes, source: source)
                    (spans, decisions, rejected) = (batch.spans, batch.decisions, batch.rejected)
                case .json:
                    var reader = OTLPJSONReader()
                    try reader.read(bytes: bytes, source: source)
                    (spans, decisions) = (reader.spans, reader.decisions)
                    rejected = reader.warnings.count
                }
            } catch {
                return (refuse(400, "the body is not a valid OTLP trace export: \(error.description)", encoding), [])
            }
            let evicted = assembler.add(spans: spans, decisions: decisions, now: now)
            let message = rejected > 0 ? "\(rejected) span(s) without a valid trace or span id were dropped" : ""
            return (
                Answer(
                    status: 200, contentType: Self.contentType(encoding),
                    body: OTLPResponse.export(rejected: rejected, message: message, json: encoding == .json),
                    problem: rejected > 0 ? message : nil),
                evicted
            )
        }

        /// A 4xx/503 answer with a `google.rpc.Status` body in the request's encoding.
        func refuse(_ status: Int, _ message: String, _ encoding: Encoding) -> Answer {
            // gRPC code 3 (INVALID_ARGUMENT) for a problem with the request itself, 14 (UNAVAILABLE) for "busy".
            let code: Int32 = status == 503 ? 14 : 3
            return Answer(
                status: status, contentType: Self.contentType(encoding),
                body: OTLPResponse.status(code: code, message: message, json: encoding == .json), problem: message)
        }

        static func contentType(_ encoding: Encoding) -> String {
            encoding == .json ? "application/json" : "application/x-protobuf"
        }

        /// The media type of a header value, lowercased, without parameters (`application/json; charset=utf-8`).
        static func mediaType(_ header: String) -> String {
            String((header.split(separator: ";", maxSplits: 1).first ?? "").filter { $0 != " " && $0 != "\t" })
                .lowercased()
        }
    }
#endif
