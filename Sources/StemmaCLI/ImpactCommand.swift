import ArgumentParser
import StemmaCore
import StemmaGraph
import StemmaInventory

struct ImpactCommand: ParsableCommand {
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

            Exit status: 0 the query ran (whether or not agents are affected), 2 it could not.

            Examples:
              stemma impact pkg:huggingface/meta-llama/Llama-3.1-8B --inventory ~/.cache/huggingface/hub --inventory boms/
              stemma impact --advisories osv/ --inventory fleet/ --format json
              stemma impact sha256:9f2c… --inventory fleet/ --revoked revoked.txt
            """
    )

    @Argument(help: "The compromised component: a purl, KIND:NAME[@VERSION] or sha256:HEX.")
    var query: String?

    @Option(name: .customLong("inventory"), help: "A folder or file to read (repeatable).")
    var inventory: [String] = []

    @Option(name: .customLong("advisories"), help: "OSV advisory files or folders (repeatable); flags every match.")
    var advisories: [String] = []

    @Option(name: .customLong("revoked"), help: "A digest revocation list: lines of sha256:HEX [reason] (repeatable).")
    var revoked: [String] = []

    @Option(name: .customLong("flag"), help: "Flag a component by hand (repeatable), like QUERY.")
    var flags: [String] = []

    @Option(help: "Severity of the query and of --flag components: critical, high, medium or low.")
    var severity: String = "critical"

    @Option(help: "Output: text (a tree) or json (schemas/impact-report.schema.json).")
    var format: OutputFormat = .text

    func validate() throws {
        guard !inventory.isEmpty else { throw ValidationError("give at least one --inventory folder or file") }
        guard query != nil || !advisories.isEmpty || !revoked.isEmpty || !flags.isEmpty else {
            throw ValidationError("give a QUERY, --advisories, --revoked or --flag: something to look for")
        }
        guard ["critical", "high", "medium", "low"].contains(severity.lowercased()) else {
            throw ValidationError("--severity must be critical, high, medium or low")
        }
        if format == .sarif { throw ValidationError("impact prints text or json") }
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
        request.severity = ImpactSeverity(word: severity)
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
        switch format {
        case .json: FileOutput.standardOutput.write(JSONWriter(indent: 2).string(outcome.result.jsonValue()) + "\n")
        case .text, .sarif:
            FileOutput.standardOutput.write(
                outcome.result.text(style: TextStyle(color: Terminal.colorOnStandardOutput)) + "\n")
        }
    }
}
