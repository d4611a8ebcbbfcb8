#if Serve
    import ArgumentParser
    import StemmaCore
    import StemmaPosture
    import StemmaServe

    #if canImport(Glibc)
        import Glibc
    #endif

    struct PostureServeCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Judge agent runs live: an OTLP/HTTP trace receiver writing each run's findings as JSON Lines.",
            discussion: """
                Listens for OTLP/HTTP trace exports on POST /v1/traces (application/x-protobuf or application/json,
                optionally Content-Encoding: gzip), as the OpenTelemetry SDK exporters and the Collector's otlphttp
                exporter send them. Spans are collected per trace across requests; a trace is judged once its root
                span has arrived and no span of it came for --quiet-period seconds (or after --max-wait seconds
                without a root, or when the pending bounds are hit, or at shutdown), with the same rules as
                `stemma posture --traces`.

                Each judged run is one JSON line (schemas/posture-live.schema.json) on standard output, or appended
                to --output, flushed as written; logs go to standard error, starting with the bound address.
                A body that is not a valid export gets 400, one over --max-body-mib 413, an unknown content type or
                encoding 415; the server keeps running. SIGINT or SIGTERM judges what is pending and exits 0.

                Examples:
                  stemma posture serve --policy policies/ --history runs.jsonl
                  stemma posture serve --listen 127.0.0.1:0 --policy seed.yaml --inventory fleet/ -o live.jsonl
                """
        )

        @Option(help: "HOST:PORT to listen on (port 0 picks a free port; the address is logged).")
        var listen = "127.0.0.1:4318"

        /// `--policy`, `--inventory` (optional here), `--history` and `-o/--output` are the parent's options.
        @ParentCommand var posture: PostureCommand

        @Option(
            name: .customLong("quiet-period"),
            help: "Seconds without new spans after a trace's root before it is judged.")
        var quietPeriod = 2.0

        @Option(
            name: .customLong("max-wait"), help: "Seconds without new spans before a trace without a root is judged.")
        var maxWait = 60.0

        @Option(name: .customLong("max-body-mib"), help: "Largest request body in MiB, before and after gzip.")
        var maxBodyMiB = 16

        @Option(
            name: .customLong("max-pending-spans"), help: "Most spans held; beyond it the oldest traces are judged.")
        var maxPendingSpans = 200_000

        func validate() throws {
            for (name, seconds) in [("--quiet-period", quietPeriod), ("--max-wait", maxWait)]
            where !(seconds >= 0 && seconds <= 86_400) {
                throw ValidationError("\(name) must be between 0 and 86400 seconds")
            }
            guard (1...1024).contains(maxBodyMiB) else { throw ValidationError("--max-body-mib must be 1...1024") }
            guard maxPendingSpans >= 1 else { throw ValidationError("--max-pending-spans must be at least 1") }
            if posture.traces != nil { throw ValidationError("serve receives traces over HTTP; --traces is for files") }
        }

        func run() throws {
            let policies = try PosturePolicyLoader.load(path: posture.policy)
            let agents =
                try posture.inventory.map { folder throws(StemmaError) in
                    try PostureAnalysis.run(inventory: folder, policies: policies).agents.map(\.agent)
                } ?? []
            let judge = try LiveRunJudge(policies: policies, agents: agents, historyPath: posture.history)
            var options = try PostureServer.Options(listen: listen)
            options.maxBodyBytes = maxBodyMiB << 20
            options.limits.quietNanos = UInt64(quietPeriod * 1e9)
            options.limits.maxWaitNanos = UInt64(maxWait * 1e9)
            options.limits.maxPendingSpans = maxPendingSpans
            let sink =
                try posture.report.output.map { path throws(StemmaError) in
                    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                    guard descriptor >= 0 else { throw StemmaError(.io, "cannot open '\(path)' for writing") }
                    return FileOutput(descriptor: descriptor)
                } ?? .standardOutput
            let server = PostureServer(options: options, judge: judge, output: sink)
            do {
                try server.run()
            } catch {
                throw StemmaError(.io, "cannot serve on \(listen): \(error)")
            }
        }
    }
#endif
