import ArgumentParser
import StemmaCore
import StemmaGraph
import StemmaInventory

struct ImpactCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "impact",
        abstract: "Which agents does a compromised component reach, and through what path?",
        discussion: """
            Reads the inventory (stemma.yaml manifests, Hugging Face cards and hub caches, GGUF and safetensors
            headers, CycloneDX BOMs, lockfiles, A2A agent cards, MCP configs, Croissant metadata, OMS signatures),
            flags the queried component (or every component an OSV advisory matches), and walks the dependency
            graph up to every agent that depends on it, through fine-tunes, adapters, quantizations, merges,
            training data, embedding models, retrieval corpora, packages, tools and sub-agents. Evaluation-only
            datasets do not propagate.

            QUERY is a purl with or without a version (pkg:pypi/langchain@0.0.130, pkg:huggingface/ORG/NAME),
            KIND:NAME[@VERSION] (model:, dataset:, corpus:, package:, tool:, agent:) or sha256:HEX. Without a
            version every version is flagged.

            JSON and text list every affected component with its kind, agents first; --kind keeps one kind.

            Exit status: 0 the query ran; 1 --fail-on was given and an affected agent is at or above that severity;
            2 it could not run (a path that does not exist or cannot be read, an inventory in which nothing was
            recognised, --advisories that hold no OSV advisory, a bad reference). A query that matches nothing in
            the inventory is an answer (0), with a warning naming the nearest refs.

            Examples:
              stemma impact pkg:huggingface/meta-llama/Llama-3.1-8B --inventory ~/.cache/huggingface/hub --inventory boms/
              stemma impact --advisories osv/ --inventory fleet/ --format json --fail-on high
              stemma impact pkg:pypi/torch --inventory fleet/ --kind model
              stemma impact sha256:9f2c… --inventory fleet/ --revoked revoked.txt
              stemma impact --advisories osv/ --inventory fleet/ --format dot | dot -Tsvg > answer.svg
            """
    )

    @Argument(help: "The compromised component: a purl, KIND:NAME[@VERSION] or sha256:HEX.")
    var query: String?

    @Option(name: .customLong("inventory"), help: "A folder or file to read (repeatable).", completion: .file())
    var inventory: [String] = []

    @Option(
        name: .customLong("advisories"), help: "OSV advisory files or folders (repeatable); flags every match.",
        completion: .file())
    var advisories: [String] = []

    @Option(
        name: .customLong("revoked"), help: "A digest revocation list: lines of sha256:HEX [reason] (repeatable).",
        completion: .file())
    var revoked: [String] = []

    @Option(name: .customLong("flag"), help: "Flag a component by hand (repeatable), like QUERY.")
    var flags: [String] = []

    /// A severity a query or a flag can be given.
    enum AssumedSeverity: String, ExpressibleByArgument, CaseIterable {
        case critical, high, medium, low
    }

    /// The `--fail-on` threshold.
    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case critical, high, medium, low, any

        /// The lowest severity that fails; nil for any affected agent.
        var threshold: ImpactSeverity? { self == .any ? nil : ImpactSeverity(rawValue: rawValue) }
    }

    /// The kinds `--kind` keeps.
    enum KindFilter: String, ExpressibleByArgument, CaseIterable {
        case agent, model, dataset, corpus, package, tool, artifact, any

        var kinds: Set<NodeKind> { self == .any ? Set(NodeKind.allCases) : [NodeKind(rawValue: rawValue)!] }
    }

    @Option(
        name: .customLong("assume-severity"),
        help: "Severity given to the query and to --flag components (advisories carry their own).")
    var assumeSeverity: AssumedSeverity?

    /// The old spelling of `--assume-severity`, which users of `trivy --severity` read as a filter.
    @Option(name: .customLong("severity"), help: .hidden)
    var deprecatedSeverity: AssumedSeverity?

    @Option(
        name: .customLong("fail-on"),
        help: """
            Exit 1 when an affected agent is at or above this severity (critical, high, medium, low, any); \
            unknown severity counts as any level.
            """)
    var failOn: FailOn?

    @Option(
        help:
            "List only affected components of this kind (agent, model, dataset, corpus, package, tool, artifact, any)."
    )
    var kind: KindFilter = .any

    /// What `impact` prints.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif, dot
    }

    @Option(
        help: """
            Output: text (a tree), json (schemas/impact-report.schema.json), sarif (one result per affected agent), \
            or dot (Graphviz: only the answer, flagged and affected components and the paths between them).
            """)
    var format: Format = .text

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func validate() throws {
        guard !inventory.isEmpty else { throw ValidationError("give at least one --inventory folder or file") }
        guard query != nil || !advisories.isEmpty || !revoked.isEmpty || !flags.isEmpty else {
            throw ValidationError("give a QUERY, --advisories, --revoked or --flag: something to look for")
        }
        if assumeSeverity != nil && deprecatedSeverity != nil {
            throw ValidationError("--severity is the old spelling of --assume-severity: give only --assume-severity")
        }
    }

    func run() throws {
        var ref: ComponentRef?
        if let query {
            guard let parsed = ComponentRef(parsing: query) else {
                throw StemmaError(
                    .usage,
                    "\"\(query)\" is not a purl, KIND:NAME[@VERSION] (model, dataset, corpus, package, tool, agent) or sha256:HEX"
                )
            }
            ref = parsed
        }
        var request = ImpactRequest(query: ref, queryText: query, inventory: inventory)
        request.advisories = advisories
        request.revocationLists = revoked
        if deprecatedSeverity != nil {
            Diagnostics.warning(
                "--severity is deprecated: it sets the severity assumed for the query and --flag, not a filter or a "
                    + "threshold; use --assume-severity (and --fail-on to fail a build)")
        }
        let assumed = assumeSeverity ?? deprecatedSeverity ?? .critical
        request.severity = ImpactSeverity(rawValue: assumed.rawValue) ?? .critical
        for flag in flags {
            guard let parsed = ComponentRef(parsing: flag) else {
                throw StemmaError(.usage, "--flag \"\(flag)\" is not a reference")
            }
            request.manualFlags.append(parsed)
        }
        let progress = InventoryProgress()
        request.progress = progress
        let line = ProgressLine(inventory: progress, label: "reading the inventory")
        let outcome: ImpactAnalysis.Outcome
        do {
            outcome = try ImpactAnalysis.run(request)
            line.stop()
        } catch {
            line.stop()
            throw error
        }
        let result = outcome.result.filtered(to: kind.kinds)
        // The gate looks at every affected agent, whatever --kind lists.
        let failing = failOn.map { outcome.result.agents(atLeast: $0.threshold) } ?? []
        let status: Int32 = failing.isEmpty ? 0 : 1
        switch format {
        case .json, .sarif:
            try report.write(
                JSONWriter(indent: 2).string(
                    format == .json
                        ? result.jsonValue()
                        : SARIFLog.invoked(outcome.result.sarifValue(location: inventory[0]), exitCode: status)))
            // The text output prints its warnings; a JSON reader in CI may never look, so a query that matched
            // nothing (and the nearest refs) also goes to stderr.
            let unmatched = result.warnings.filter { $0.source == "query" }
            for warning in unmatched.prefix(20) { Diagnostics.warning("\(warning)") }
            if unmatched.count > 20 { Diagnostics.warning("\(unmatched.count - 20) more flags not in the inventory") }
        case .text:
            try report.write(result.text(style: TextStyle(color: report.colorReport)))
        case .dot:
            // The whole answer, whatever --kind lists: the paths go through components of every kind.
            let answer = ImpactSubgraph(graph: outcome.inventory.graph, result: outcome.result)
            try report.write(answer.dot())
        }
        if let failOn, !failing.isEmpty {
            Diagnostics.warning(
                "\(failing.count) affected agent\(failing.count == 1 ? "" : "s") at or above --fail-on \(failOn.rawValue); exit 1"
            )
            throw ExitCode(1)
        }
    }
}
