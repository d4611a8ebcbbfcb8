import ArgumentParser
import StemmaCore
import StemmaGraph
import StemmaInventory

struct GraphCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Export the whole supply-chain graph read from an inventory.",
        discussion: """
            An --inventory path that does not exist or cannot be read, or in which nothing was recognised, exits 2;
            --allow-empty accepts the second (then an empty graph, exit 0).

            Examples:
              stemma graph --inventory fleet/ --format json > graph.json
              stemma graph --inventory fleet/ --format dot | dot -Tsvg > graph.svg
            """
    )

    enum GraphFormat: String, ExpressibleByArgument, CaseIterable {
        case json
        case dot
    }

    @Option(name: .customLong("inventory"), help: "A folder or file to read (repeatable).", completion: .file())
    var inventory: [String] = []

    @Option(help: "Output: json (schemas/graph.schema.json) or dot (Graphviz).")
    var format: GraphFormat = .json

    @Flag(name: .customLong("allow-empty"), help: "Write an empty graph when nothing in the inventory is recognised.")
    var allowEmpty = false

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func validate() throws {
        guard !inventory.isEmpty else { throw ValidationError("give at least one --inventory folder or file") }
    }

    func run() throws {
        try InventoryInputs.requireReadable(inventory, option: "--inventory")
        let progress = InventoryProgress()
        let line = ProgressLine(inventory: progress, label: "reading the inventory")
        let result = Inventory(progress: progress).read(inventory)
        line.stop()
        if !allowEmpty { try InventoryInputs.requireRecognised(result, paths: inventory) }
        try InventoryInputs.requireComplete(result.warnings)
        switch format {
        case .json: try report.write(JSONWriter(indent: 2).string(result.graph.jsonValue(warnings: result.warnings)))
        case .dot: try report.write(result.graph.dot())
        }
        for warning in result.warnings.prefix(20) { Diagnostics.warning("\(warning)") }
    }
}
