#if Serve
    public import StemmaCore
    public import StemmaPosture
    import Hummingbird
    import Logging
    import NIOCore
    import ServiceLifecycle

    #if canImport(Glibc)
        import Glibc
    #endif

    /// `stemma posture serve`: an OTLP/HTTP receiver on `POST /v1/traces` (protobuf and OTLP/JSON, optionally
    /// gzip) that assembles runs across requests and writes each judged run as one JSON line, flushed as written.
    /// Logs go to stderr. SIGINT or SIGTERM stops it: the pending traces are judged and written, then it returns.
    public final class PostureServer: Sendable {
        /// Where and how to listen.
        public struct Options: Sendable {
            /// Host to bind (`127.0.0.1`, `::1`, `localhost`, `0.0.0.0`).
            public var host: String
            /// Port to bind; 0 picks a free one (the bound address is logged).
            public var port: Int
            /// Largest request body, before and after gzip.
            public var maxBodyBytes = 16 << 20
            /// Bounds of the pending traces, and when a trace is judged.
            public var limits = LiveRunAssembler.Limits()
            /// Most requests read and decoded at once (each may hold a body of `maxBodyBytes` and its spans); more
            /// are answered 503, which OTLP exporters retry later.
            public var maxConcurrentRequests = 4
            /// How often pending traces are checked for being due.
            public var sweepNanos: UInt64 = 200_000_000

            /// Options for `host:port`.
            public init(host: String, port: Int) {
                self.host = host
                self.port = port
            }

            /// Parses `HOST:PORT` (`[::1]:4318` for IPv6).
            public init(listen: String) throws(StemmaError) {
                guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                    (0...65535).contains(port)
                else { throw StemmaError(.usage, "--listen \"\(listen)\" is not HOST:PORT") }
                var host = String(listen[..<colon])
                if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
                guard !host.isEmpty else { throw StemmaError(.usage, "--listen \"\(listen)\" names no host") }
                self.init(host: host, port: port)
            }
        }

        let options: Options
        let assembler: LiveRunAssembler
        let judge: LiveRunJudge
        let output: FileOutput
        let ingest: OTLPIngest
        let inFlight = LockedValue(0)

        /// A server judging with `judge`, writing lines to `output`.
        public init(options: Options, judge: LiveRunJudge, output: FileOutput) {
            self.options = options
            self.judge = judge
            self.output = output
            assembler = LiveRunAssembler(limits: options.limits)
            ingest = OTLPIngest(maxBodyBytes: options.maxBodyBytes)
        }

        /// Serves until SIGINT or SIGTERM, then judges what is pending.
        public func run() async throws {
            var logger = Logger(label: "stemma.posture.serve", factory: { StreamLogHandler.standardError(label: $0) })
            logger.logLevel = .warning
            let router = Router()
            router.post("/v1/traces") { [self] request, _ -> Response in
                await receive(request)
            }
            let app = Application(
                router: router,
                configuration: .init(address: .hostname(options.host, port: options.port), serverName: nil),
                services: [Sweeper(server: self)],
                onServerRunning: { channel in
                    let address = channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                    Self.log("listening on \(address) (POST /v1/traces)")
                },
                logger: logger)
            // The default signals, SIGTERM and SIGINT, start a graceful shutdown.
            try await app.runService()
            judge(assembler.drain())
        }

        private func receive(_ request: Request) async -> Response {
            let contentType = request.headers[.contentType]
            let admitted = inFlight.withLock { count in
                guard count < options.maxConcurrentRequests else { return false }
                count += 1
                return true
            }
            guard admitted else {
                let json = (contentType ?? "").lowercased().contains("json")
                let busy = ingest.refuse(
                    503, "busy: \(options.maxConcurrentRequests) requests in progress", json ? .json : .protobuf)
                return respond(busy)
            }
            defer { inFlight.withLock { $0 -= 1 } }
            let encoding = request.headers[.contentEncoding]
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: options.maxBodyBytes)
            } catch {
                let json = (contentType ?? "").lowercased().contains("json")
                let answer = ingest.refuse(
                    413, "the body exceeds \(options.maxBodyBytes) bytes", json ? .json : .protobuf)
                return respond(answer)
            }
            let (answer, evicted) = ingest.handle(
                body: Array(buffer: body), contentType: contentType, contentEncoding: encoding, assembler: assembler,
                now: Self.monotonicNanos())
            judge(evicted)
            return respond(answer)
        }

        private func respond(_ answer: OTLPIngest.Answer) -> Response {
            if let problem = answer.problem { Self.log("\(answer.status): \(problem)") }
            var headers = HTTPFields()
            headers[.contentType] = answer.contentType
            return Response(
                status: HTTPResponse.Status(code: answer.status), headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
        }

        /// Judges the traces that are due now.
        func sweep() { judge(assembler.due(now: Self.monotonicNanos())) }

        /// Judges `traces` and writes one line per run; warnings go to stderr.
        func judge(_ traces: [LiveRunAssembler.ReadyTrace]) {
            for trace in traces {
                let (runs, warnings) = judge.judge(trace)
                for warning in warnings { Self.log("warning: \(warning)") }
                for run in runs where !output.write(LiveRunJudge.line(run, trigger: trace.trigger) + "\n") {
                    Self.log("error: could not write the findings of trace \(run.run.traceID)")
                }
            }
        }

        static func log(_ text: String) {
            FileOutput.standardError.write("stemma posture serve: \(text.terminalEscaped)\n")
        }

        static func monotonicNanos() -> UInt64 {
            var time = timespec()
            clock_gettime(CLOCK_MONOTONIC, &time)
            return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
        }
    }

    /// Judges due traces every `sweepNanos` until the server shuts down, then everything pending.
    struct Sweeper: Service {
        let server: PostureServer

        func run() async throws {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                try? await Task.sleep(nanoseconds: server.options.sweepNanos)
                server.sweep()
            }
            server.judge(server.assembler.drain())
        }
    }
#endif
