public import StemmaCore
public import StemmaGraph

/// `stemma impact`: read the inventory, flag what the query, advisories, revocation lists and manual flags name,
/// and walk to every agent above them.
public enum ImpactAnalysis {
    /// What an analysis produced: the answer and the graph it came from.
    public struct Outcome: Sendable {
        public var result: ImpactResult
        public var inventory: Inventory.Result
    }

    /// Runs the analysis.
    /// - Throws: ``StemmaError`` when an inventory path, advisory path or revocation list does not exist or cannot
    ///   be read, when an inventory path gives the graph nothing (unless ``ImpactRequest/allowEmpty``), when an
    ///   advisory path holds no advisory (malformed single advisories in a folder are warnings), or when an
    ///   inventory file or advisory was not read in full because it crossed a bound (`limitExceeded`).
    public static func run(_ request: ImpactRequest) throws(StemmaError) -> Outcome {
        try InventoryInputs.requireReadable(request.inventory, option: "--inventory")
        try InventoryInputs.requireReadable(request.advisories, option: "--advisories")
        try InventoryInputs.requireReadable(request.revocationLists, option: "--revoked", foldersAllowed: false)
        let inventory = Inventory(limits: request.limits, progress: request.progress).read(request.inventory)
        if !request.allowEmpty { try InventoryInputs.requireRecognised(inventory, paths: request.inventory) }
        try InventoryInputs.requireComplete(inventory.warnings)
        var flags: [FlaggedComponent] = []
        var warnings = inventory.warnings
        if let query = request.query {
            flags.append(FlaggedComponent(ref: query, severity: request.severity, reason: "named in the query"))
        }
        for ref in request.manualFlags {
            flags.append(FlaggedComponent(ref: ref, severity: request.severity, reason: "flagged by hand"))
        }
        for list in request.revocationLists { flags += try RevocationList.read(list) }
        if !request.advisories.isEmpty {
            let matched = try AdvisoryFlags.match(
                advisoryPaths: request.advisories, graph: inventory.graph, limits: request.limits)
            try InventoryInputs.requireComplete(matched.warnings)
            flags += matched.flags
            warnings += matched.warnings
        }
        var queryText = request.queryText ?? ""
        if queryText.isEmpty {
            queryText =
                request.advisories.isEmpty ? "flags" : "advisories: " + request.advisories.joined(separator: ", ")
        }
        let result = ImpactQuery(graph: inventory.graph).run(query: queryText, flagged: flags, warnings: warnings)
        return Outcome(result: result, inventory: inventory)
    }
}
