import ArgumentParser
import StemmaCore
import StemmaGraph
import StemmaInventory
import StemmaPosture
import StemmaReport

struct ReportCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write one self-contained HTML page about a fleet: agents, owners, what a flag reaches, posture.",
        discussion: """
            Reads the inventory as impact does and writes a single HTML file with inline CSS and SVG: nothing is
            loaded from the network and no script runs. The page holds the fleet (agents by account and stage,
            owners; an account nobody owns stands out), each flagged component with the agents it reaches and the
            path, and with --policy the agents ranked by posture risk with their grants.

            The answer graph (flagged components, affected components, the paths between them) is laid out by
            Graphviz dot when it is installed, otherwise by a built-in layered layout (--layout chooses).

            Exit status: 0 the page was written; 2 it could not be (an inventory path that does not exist or in
            which nothing was recognised, advisories that hold no OSV advisory, a bad policy or reference).

            Examples:
              stemma report --inventory fleet/ --advisories osv/ -o report.html
              stemma report --inventory fleet/ --flag pkg:huggingface/meta-llama/Llama-3.1-8B --policy policies/ -o report.html
              stemma verify ./llama-ft --public-key release.pub.pem --format json -o verify.json
              stemma report --inventory fleet/ --verify-report verify.json -o report.html
            """
    )

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

    @Option(
        name: .customLong("flag"),
        help: "Flag a component by hand (repeatable): purl, KIND:NAME[@VERSION] or sha256:HEX, severity critical.")
    var flags: [String] = []

    @Option(
        help: "Posture policies (a file or a folder): adds the agents ranked by risk with their grants.",
        completion: .file())
    var policy: String?

    /// How the answer graph is laid out.
    enum Layout: String, ExpressibleByArgument, CaseIterable {
        case auto, graphviz, builtin
    }

    @Option(help: "Graph layout: auto (Graphviz dot when installed, else built in), graphviz, or builtin.")
    var layout: Layout = .auto

    @Option(
        name: .customLong("verify-report"),
        help: "A `stemma verify --format json` report whose bundle verdict the page shows (repeatable).",
        completion: .file())
    var verifyReports: [String] = []

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func validate() throws {
        guard !inventory.isEmpty else { throw ValidationError("give at least one --inventory folder or file") }
    }

    func run() throws {
        var request = ImpactRequest(query: nil, queryText: nil, inventory: inventory)
        request.advisories = advisories
        request.revocationLists = revoked
        for flag in flags {
            guard let parsed = ComponentRef(parsing: flag) else {
                throw StemmaError(.usage, "--flag \"\(flag)\" is not a reference")
            }
            request.manualFlags.append(parsed)
        }
        if !advisories.isEmpty { request.queryText = "advisories: " + advisories.joined(separator: ", ") }
        let outcome = try ImpactAnalysis.run(request)

        var posture: PostureReport?
        if let policy {
            let policies = try PosturePolicyLoader.load(path: policy)
            // Posture and impact name the same agents: the flags that reach an agent raise its rank.
            var supplyChain: [String: [SupplyChainFlag]] = [:]
            for agent in outcome.result.agents {
                supplyChain[agent.ref.name, default: []].append(
                    SupplyChainFlag(
                        component: agent.flaggedBy.description, severity: agent.severity.rawValue,
                        path: agent.path.map(\.description)))
            }
            for path in inventory {
                let part = try PostureAnalysis.run(inventory: path, policies: policies, supplyChain: supplyChain)
                if posture == nil {
                    posture = part
                } else {
                    posture?.agents += part.agents
                    posture?.warnings += part.warnings
                }
            }
            if inventory.count > 1, var merged = posture {
                // Each folder was ranked alone: rank the whole fleet again by score.
                merged.agents.sort { (a: AgentPostureResult, b: AgentPostureResult) -> Bool in
                    a.score != b.score ? a.score > b.score : a.rank < b.rank
                }
                for index in merged.agents.indices { merged.agents[index].rank = index + 1 }
                posture = merged
            }
        }

        var page = FleetReport(
            inventoryPaths: inventory, graph: outcome.inventory.graph, impact: outcome.result, posture: posture)
        page.engine = AnswerDrawing.Engine(rawValue: layout.rawValue) ?? .auto
        for path in verifyReports {
            let json = try JSONParser.parse(try BoundedFile.read(path, maxBytes: 64 << 20), source: path)
            page.bundles.append(try BundleVerdict(json: json, source: path))
        }
        try report.write(page.html())
        for warning in outcome.result.warnings.filter({ $0.source == "query" }).prefix(20) {
            Diagnostics.warning("\(warning)")
        }
    }
}
