import ArgumentParser
import StemmaBOM
import StemmaCore
import StemmaGraph
import StemmaInventory
import StemmaVerification

struct BOMCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "bom",
        abstract: "Write a CycloneDX ML-BOM or an SPDX 3.0.1 AI-BOM of a model bundle, a fleet or one agent.",
        discussion: """
            Give a BUNDLE (a model folder, file or archive) for the BOM of one model: every file is hashed with
            SHA-256 as it is read, so its file components carry digests Stemma proved (stemma:evidence verified),
            beside what the bundle's model card and headers declare. Give --inventory for a fleet or an agent.

            Agents become applications, models machine-learning-models (training data as modelCard dataset refs,
            fine-tune/adapter/quantization/merge lineage as pedigree.ancestors), datasets and corpora data
            components, packages libraries with purls, MCP servers and tools services. Each component says how
            Stemma knows it (stemma:evidence = declared, verified or inferred). With --advisories, matched
            components become vulnerabilities whose affects list the agents the impact walk reaches.

            --format spdx writes SPDX 3.0.1 JSON-LD with the AI and Dataset profiles (ai_AIPackage,
            dataset_DatasetPackage, trainedOn, testedOn, dependsOn, ancestorOf); properties the inventory does not
            know are reported as lint warnings on stderr, never invented.

            The output is deterministic: the serial number is derived from the content and the timestamp is the
            modification time of the newest input document (or --timestamp).

            An --inventory path that does not exist or cannot be read, or in which nothing was recognised, exits 2:
            a mistyped folder never becomes an empty BOM. --allow-empty accepts an inventory that gives nothing
            (an empty BOM, timestamped with the inventory folder's modification time).

            Exit status: 0 written, 2 could not.

            Examples:
              stemma bom ./llama-ft --output llama-ft.cdx.json
              stemma bom --inventory fleet/ --output fleet.cdx.json
              stemma bom --inventory fleet/ --agent agent:cx-faq-bot@4.1.0 --advisories osv/ --spec-version 1.7
              stemma bom --inventory fleet/ --format spdx --output fleet.spdx.json
            """
    )

    enum BOMFormat: String, ExpressibleByArgument, CaseIterable {
        case cyclonedx
        case spdx
    }

    @Argument(help: "A model bundle (folder, file or archive) to describe, its files hashed.", completion: .file())
    var bundle: String?

    @Option(name: .customLong("inventory"), help: "A folder or file to read (repeatable).", completion: .file())
    var inventory: [String] = []

    @Option(help: "Describe only this agent and what it depends on (agent:NAME[@VERSION]).")
    var agent: String?

    @Option(
        name: .customLong("advisories"), help: "OSV advisory files or folders (repeatable): adds vulnerabilities.",
        completion: .file())
    var advisories: [String] = []

    @Option(help: "Output format: cyclonedx (default) or spdx (SPDX 3.0.1 JSON-LD).")
    var format: BOMFormat = .cyclonedx

    /// The CycloneDX versions Stemma writes; any other value is refused, never replaced by a default.
    enum SpecVersion: String, ExpressibleByArgument, CaseIterable {
        case v1_6 = "1.6"
        case v1_7 = "1.7"

        var cycloneDX: CycloneDXVersion { self == .v1_7 ? .v1_7 : .v1_6 }
    }

    @Option(name: .customLong("spec-version"), help: "The CycloneDX version to write.")
    var specVersion: SpecVersion = .v1_6

    @Option(name: .customLong("serial-number"), help: "A fixed urn:uuid: serial number (default: from content).")
    var serialNumber: String?

    @Option(help: "A fixed metadata.timestamp, YYYY-MM-DDTHH:MM:SSZ (default: newest input's modification time).")
    var timestamp: String?

    @Flag(name: .customLong("allow-empty"), help: "Write an empty BOM when nothing in the inventory is recognised.")
    var allowEmpty = false

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func validate() throws {
        guard bundle != nil || !inventory.isEmpty else {
            throw ValidationError("give a BUNDLE, or at least one --inventory folder or file")
        }
        guard bundle == nil || (inventory.isEmpty && agent == nil && advisories.isEmpty) else {
            throw ValidationError(
                "a BUNDLE is described on its own: --inventory, --agent and --advisories need no BUNDLE")
        }
    }

    func run() throws {
        var request = BOMRequest(inventory: inventory)
        request.advisories = advisories
        request.specVersion = specVersion.cycloneDX
        request.serialNumber = serialNumber
        request.timestamp = timestamp
        request.allowEmpty = allowEmpty
        if let agent {
            guard let ref = ComponentRef(parsing: agent, defaultKind: .agent) else {
                throw StemmaError(.usage, "--agent \"\(agent)\" is not a reference (agent:NAME[@VERSION])")
            }
            request.agent = ref
        }
        let document: BOMDocument
        if let bundle {
            let progress = HashProgress()
            let line = ProgressLine(progress: progress, label: "hashing \(bundle)")
            defer { line.stop() }
            let (read, model) = try BundleGraph.read(bundle, progress: progress)
            request.inventory = [bundle]
            request.model = model
            document =
                try format == .spdx
                ? BOMGenerator.spdx(graph: read.graph, request: request, warnings: read.warnings)
                : BOMGenerator.cycloneDX(graph: read.graph, request: request, warnings: read.warnings)
        } else {
            document = try format == .spdx ? BOMGenerator.spdx(request) : BOMGenerator.cycloneDX(request)
        }
        if let output = report.output {
            try BOMOutput.write(document.bytes, to: output)
        } else if !report.quiet {
            FileOutput.standardOutput.write(String(decoding: document.bytes, as: UTF8.self))
        }
        for warning in document.warnings.prefix(20) { Diagnostics.warning("\(warning)") }
    }
}
