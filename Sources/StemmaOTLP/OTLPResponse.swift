#if Serve
    import SwiftProtobuf

    /// The bodies of OTLP/HTTP responses, in the encoding of the request (protobuf or OTLP/JSON).
    public enum OTLPResponse {
        /// An `ExportTraceServiceResponse`: empty on full success, else a partial success naming the rejected
        /// spans.
        public static func export(rejected: Int, message: String, json: Bool) -> [UInt8] {
            var response = OTLPExportTraceServiceResponse()
            if rejected > 0 {
                response.partialSuccess.rejectedSpans = Int64(rejected)
                response.partialSuccess.errorMessage = message
            }
            return encode(response, json: json)
        }

        /// A `google.rpc.Status` error body, as OTLP/HTTP sends with a 4xx status.
        public static func status(code: Int32, message: String, json: Bool) -> [UInt8] {
            var status = RPCStatus()
            status.code = code
            status.message = message
            return encode(status, json: json)
        }

        private static func encode(_ message: some SwiftProtobuf.Message, json: Bool) -> [UInt8] {
            // Encoding these two small messages cannot fail; an empty body would still be a valid empty message.
            if json { return (try? message.jsonUTF8Bytes()) ?? Array("{}".utf8) }
            return (try? message.serializedBytes()) ?? []
        }
    }
#endif
