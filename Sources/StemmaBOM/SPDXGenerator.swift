public import StemmaCore
public import StemmaGraph
import StemmaInventory

extension BOMGenerator {
    /// Reads the inventory the request names and builds an SPDX 3.0.1 JSON-LD document (Core, Software, AI and
    /// Dataset profiles) of the fleet or of one agent.
    /// - Throws: ``StemmaError`` (`usage`) for a bad serial number or timestamp, an agent not in the inventory, or
    ///   advisories (SPDX 3 security elements are not written yet); (`io`/`malformedInput`) when an inventory path
    ///   cannot be read or, without ``BOMRequest/allowEmpty``, gives the graph nothing.
    public static func spdx(_ request: BOMRequest) throws(StemmaError) -> BOMDocument {
        try checkSPDX(request)
        let inventory = try readInventory(request)
        return try spdx(graph: inventory.graph, request: request, warnings: inventory.warnings)
    }

    /// Builds the SPDX 3.0.1 document from a graph already read. Lint findings (properties the AI and Dataset
    /// profiles require but the schema and SHACL shapes do not check) are appended to `warnings`.
    /// - Throws: ``StemmaError`` (`usage`) for a bad serial number or timestamp, or an agent not in the graph.
    public static func spdx(
        graph: Graph, request: BOMRequest, warnings: [InventoryWarning] = []
    ) throws(StemmaError) -> BOMDocument {
        try checkSPDX(request)
        let root = try subjectID(request, in: graph)
        let assembly = SPDXAssembly(graph: graph, root: root, request: request)
        let serial =
            request.serialNumber
            ?? BOMSerialNumber.derived(
                from: JSONWriter(sortKeys: true).bytes(assembly.document(base: SPDXAssembly.placeholderBase)))
        let json = assembly.document(base: SPDXAssembly.base(serial: serial))
        return BOMDocument(
            json: json, bytes: JSONWriter(indent: 2).bytes(json) + [0x0A],
            warnings: warnings + SPDXLint.warnings(json))
    }

    private static func checkSPDX(_ request: BOMRequest) throws(StemmaError) {
        if let serial = request.serialNumber, !BOMSerialNumber.isValid(serial) {
            throw StemmaError(.usage, "serial number \"\(serial)\" is not urn:uuid: with a lowercase 8-4-4-4-12 UUID")
        }
        if let timestamp = request.timestamp, !BOMTimestamp.isValid(timestamp) {
            throw StemmaError(.usage, "timestamp \"\(timestamp)\" is not YYYY-MM-DDTHH:MM:SSZ")
        }
        if !request.advisories.isEmpty {
            throw StemmaError(.usage, "--advisories is not supported with --format spdx yet; use --format cyclonedx")
        }
    }
}
