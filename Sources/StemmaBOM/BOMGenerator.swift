public import StemmaCore
public import StemmaGraph
import StemmaInventory

/// `stemma bom`: reads an inventory and writes a CycloneDX ML-BOM of the fleet or of one agent.
public enum BOMGenerator {
    /// Reads the inventory (and advisories) the request names and builds the BOM.
    /// - Throws: ``StemmaError`` (`usage`) for a bad serial number, timestamp or an agent not in the inventory;
    ///   (`io`/`malformedInput`) when an inventory or advisory path cannot be read at all, or an inventory path
    ///   gives the graph nothing (unless ``BOMRequest/allowEmpty``).
    public static func cycloneDX(_ request: BOMRequest) throws(StemmaError) -> BOMDocument {
        try check(request)
        if request.advisories.isEmpty {
            let inventory = try readInventory(request)
            return try cycloneDX(graph: inventory.graph, request: request, warnings: inventory.warnings)
        }
        var impact = ImpactRequest(query: nil, queryText: nil, inventory: request.inventory)
        impact.advisories = request.advisories
        impact.limits = request.limits
        impact.allowEmpty = request.allowEmpty
        let outcome = try ImpactAnalysis.run(impact)
        return try cycloneDX(
            graph: outcome.inventory.graph, flagged: outcome.result.flagged, request: request,
            warnings: outcome.result.warnings)
    }

    /// Builds the BOM from a graph already read; `flagged` components become `vulnerabilities`.
    /// - Throws: ``StemmaError`` (`usage`) for a bad serial number or timestamp, or an agent not in the graph.
    public static func cycloneDX(
        graph: Graph, flagged: [FlaggedComponent] = [], request: BOMRequest, warnings: [InventoryWarning] = []
    ) throws(StemmaError) -> BOMDocument {
        try check(request)
        let root = try subjectID(request, in: graph)
        var members = CycloneDXAssembly(graph: graph, root: root, request: request).members(flagged: flagged)
        let serial =
            request.serialNumber
            ?? BOMSerialNumber.derived(from: JSONWriter(sortKeys: true).bytes(.object(members)))
        members.insert(("serialNumber", .string(serial)), at: 3)
        let json = JSONValue.object(members)
        return BOMDocument(json: json, bytes: JSONWriter(indent: 2).bytes(json) + [0x0A], warnings: warnings)
    }

    /// Reads the request's inventory, refusing paths that do not exist, files not read in full and, unless empty
    /// is allowed, paths that give the graph nothing.
    static func readInventory(_ request: BOMRequest) throws(StemmaError) -> Inventory.Result {
        try InventoryInputs.requireReadable(request.inventory, option: "--inventory")
        let inventory = Inventory(limits: request.limits).read(request.inventory)
        if !request.allowEmpty { try InventoryInputs.requireRecognised(inventory, paths: request.inventory) }
        try InventoryInputs.requireComplete(inventory.warnings)
        return inventory
    }

    private static func check(_ request: BOMRequest) throws(StemmaError) {
        if let serial = request.serialNumber, !BOMSerialNumber.isValid(serial) {
            throw StemmaError(.usage, "serial number \"\(serial)\" is not urn:uuid: with a lowercase 8-4-4-4-12 UUID")
        }
        if let timestamp = request.timestamp, !BOMTimestamp.isValid(timestamp) {
            throw StemmaError(.usage, "timestamp \"\(timestamp)\" is not YYYY-MM-DDTHH:MM:SSZ")
        }
    }

    /// The node the BOM describes: the request's model, its agent, or nil for the whole fleet.
    static func subjectID(_ request: BOMRequest, in graph: Graph) throws(StemmaError) -> Int32? {
        if let model = request.model {
            guard let id = graph.id(of: model) else { throw StemmaError(.usage, "\(model) is not in the inventory") }
            return id
        }
        return try request.agent.map { ref throws(StemmaError) in try agentID(ref, in: graph) }
    }

    /// The agent's node: the exact ref, or the only version of a versionless ref.
    static func agentID(_ ref: ComponentRef, in graph: Graph) throws(StemmaError) -> Int32 {
        guard ref.kind == .agent else { throw StemmaError(.usage, "\(ref) is not an agent (agent:NAME[@VERSION])") }
        if ref.version == nil {
            let versions = graph.ids(matching: ref).filter { graph.node($0).ref.version != nil }
            if versions.count == 1 { return versions[0] }
        }
        guard let id = graph.id(of: ref) else { throw StemmaError(.usage, "\(ref) is not in the inventory") }
        return id
    }
}
