import ArgumentParser
import StemmaCore
import StemmaGraph
import StemmaPosture

struct PostureCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "posture",
        abstract: "Each agent's identity, effective permissions and tool chain, checked against posture policies.",
        discussion: """
            Reads agent and MCP configurations under the inventory folder (Claude Code settings and sub-agents,
            .mcp.json with tools/list snapshots, Codex config.toml, A2A cards, stemma.yaml posture blocks),
            computes each agent's effective tools with capability classes and evidence, evaluates the AP-* rules
            against the agent_posture_policy that matches it, and ranks the fleet. A check the inputs cannot
            decide is reported unverified, never passed.

            With --traces it also judges what agents did: each run in OTLP/JSON traces (TracesData or the file
            exporter's JSON Lines; semconv, Gemini CLI, Claude Code and OpenInference names) is checked for tool
            calls, tokens and sub-agents over the limits, denied tools called, writes without recorded approval,
            incomplete span trees, and deviation from the agent's baseline (--history keeps run summaries).

            Exit status: 0 it ran and no finding reached --fail-on (always 0 without --fail-on); 1 a fail
            finding at or above --fail-on (with --strict, unverified ones count too); 2 it could not run (a bad
            policy, an unreadable inventory folder, a trace or history file that is not valid).

            Examples:
              stemma posture --inventory fleet/ --policy policies/
              stemma posture --inventory fleet/ --policy seed.yaml --format json --fail-on high
              stemma posture --inventory fleet/ --policy policies/ --format sarif -o posture.sarif
              stemma posture --inventory fleet/ --policy policies/ --traces traces/ --history runs.jsonl
            """,
        subcommands: subcommandTypes
    )

    /// `attest`, and `serve` when the build has the Serve trait (the default).
    static var subcommandTypes: [any ParsableCommand.Type] {
        var types: [any ParsableCommand.Type] = [PostureAttestCommand.self]
        #if Serve
            types.append(PostureServeCommand.self)
        #endif
        return types
    }

    @Option(help: "The inventory folder to read (required, except by `serve`).", completion: .directory)
    var inventory: String?

    /// `--inventory`, which every mode but `serve` needs; a usage error (exit 2) when missing.
    func requiredInventory() throws(StemmaError) -> String {
        guard let inventory else { throw StemmaError(.usage, "missing --inventory FOLDER") }
        return inventory
    }

    @Option(
        help: "A policy file (one agent_posture_policy, a YAML list, or several documents) or a folder of them.",
        completion: .file())
    var policy: String

    @Option(help: "Output: text for people, json (schemas/posture-report.schema.json), or sarif (SARIF 2.1.0).")
    var format: OutputFormat = .text

    @Option(
        name: .customLong("fail-on"), help: "Exit 1 when a fail finding is at or above: critical, high, medium, low.")
    var failOn: FailOnLevel?

    @Flag(help: "Count unverified findings toward --fail-on too.")
    var strict = false

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    @Option(
        help:
            "A JWKS file ({\"keys\": [...]}) to verify A2A agent-card signatures against (ES256, ES384, RS256, EdDSA).",
        completion: .file())
    var jwks: String?

    @Option(
        help: "OSV advisories (files, folders, an OSV .zip) whose flags reaching an agent are listed (repeatable).",
        completion: .file())
    var advisories: [String] = []

    @Option(
        name: .customLong("revoked"), help: "A digest revocation list: lines of sha256:HEX [reason] (repeatable).",
        completion: .file())
    var revoked: [String] = []

    @Option(
        name: .customLong("flag"), help: "Flag a component by hand (repeatable): purl, KIND:NAME[@VERSION], sha256:HEX."
    )
    var flags: [String] = []

    @Option(
        help:
            "OTLP/JSON traces (a TracesData file, JSON Lines from the file exporter, or a folder of them) to judge runs.",
        completion: .file())
    var traces: String?

    @Option(
        help: "Run history (JSON Lines, schemas/posture-history.schema.json) for baselines; new runs are appended.",
        completion: .file())
    var history: String?

    func run() throws {
        let inventory = try requiredInventory()
        let policies = try PosturePolicyLoader.load(path: policy)
        var supplyChain: [String: [SupplyChainFlag]] = [:]
        if !advisories.isEmpty || !revoked.isEmpty || !flags.isEmpty {
            var refs: [ComponentRef] = []
            for flag in flags {
                guard let parsed = ComponentRef(parsing: flag) else {
                    throw StemmaError(.usage, "--flag \"\(flag)\" is not a reference")
                }
                refs.append(parsed)
            }
            supplyChain = try SupplyChainFlags.compute(
                inventory: inventory, advisories: advisories, revoked: revoked, flags: refs, severity: .critical)
        }
        let keys = try jwks.map { path throws(StemmaError) in
            try JSONParser.parse(BoundedFile.read(path, maxBytes: 1 << 20), source: path)
        }
        var posture = try PostureAnalysis.run(
            inventory: inventory, policies: policies, supplyChain: supplyChain, jwks: keys)
        if let traces {
            try posture.addTraces(path: traces, policies: policies, history: history)
        } else if history != nil {
            throw StemmaError(.usage, "--history needs --traces")
        }
        let code = posture.exitCode(failOn: failOn.flatMap { PostureSeverity(rawValue: $0.rawValue) }, strict: strict)
        let text: String
        switch format {
        case .text: text = posture.text()
        case .json: text = JSONWriter(indent: 2).string(posture.jsonValue())
        case .sarif: text = JSONWriter(indent: 2).string(SARIFLog.invoked(posture.sarifValue(), exitCode: Int32(code)))
        }
        try report.write(text)
        if format != .text { for warning in posture.warnings { Diagnostics.warning(warning) } }
        if code != 0 { throw ExitCode(Int32(code)) }
    }
}

/// `--fail-on` levels (the posture severities).
enum FailOnLevel: String, ExpressibleByArgument, CaseIterable {
    case critical, high, medium, low
}
