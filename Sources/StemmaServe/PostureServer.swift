#if Serve
    public import StemmaCore
    public import StemmaPosture
    import Dispatch
    import NIOCore
    import NIOHTTP1
    import NIOPosix

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
            /// Seconds a connection may stay silent before it is closed.
            public var idleSeconds = 30
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

        /// Serves until SIGINT or SIGTERM, then judges what is pending. One event-loop thread reads the
        /// connections, decodes the bodies and judges due traces, so that work is serialised.
        public func run() throws {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { try? group.syncShutdownGracefully() }
            let bootstrap = ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            IdleStateHandler(readTimeout: .seconds(Int64(options.idleSeconds))))
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        try channel.pipeline.syncOperations.addHandler(OTLPHTTPHandler(server: self))
                    }
                }
            let channel = try bootstrap.bind(host: options.host, port: options.port).wait()
            let address = channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
            Self.log("listening on \(address) (POST /v1/traces)")
            let sweeper = channel.eventLoop.scheduleRepeatedTask(
                initialDelay: .nanoseconds(Int64(options.sweepNanos)), delay: .nanoseconds(Int64(options.sweepNanos))
            ) { [self] _ in sweep() }
            // SIGINT and SIGTERM close the listening socket; the pending traces are judged below.
            let signals = [SIGINT, SIGTERM].map { number in
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { channel.close(promise: nil) }
                source.resume()
                return source
            }
            try channel.closeFuture.wait()
            for source in signals { source.cancel() }
            let cancelled = channel.eventLoop.makePromise(of: Void.self)
            sweeper.cancel(promise: cancelled)
            try cancelled.futureResult.wait()
            // Judge what is pending on the loop, after any request it is still handling.
            try channel.eventLoop.submit { [self] in judge(assembler.drain()) }.wait()
        }

        /// Takes one of the `maxConcurrentRequests` slots; false when all are taken.
        func admit() -> Bool {
            inFlight.withLock { count in
                guard count < options.maxConcurrentRequests else { return false }
                count += 1
                return true
            }
        }

        /// Gives a slot back.
        func leave() { inFlight.withLock { $0 -= 1 } }

        /// Handles one complete body: decoded, its spans assembled, evicted traces judged at once.
        func receive(body: [UInt8], contentType: String?, contentEncoding: String?) -> OTLPIngest.Answer {
            let (answer, evicted) = ingest.handle(
                body: body, contentType: contentType, contentEncoding: contentEncoding, assembler: assembler,
                now: Self.monotonicNanos())
            judge(evicted)
            return answer
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

#endif
