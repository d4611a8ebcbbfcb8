import StemmaCore
import StemmaGraph

/// Lays out one CycloneDX document (everything but the serial number) in a fixed order: components and
/// services sorted by bom-ref, `dependencies` for every entry with `dependsOn` sorted, then vulnerabilities.
struct CycloneDXAssembly {
    let graph: Graph
    /// The agent the BOM describes, or nil for the fleet.
    let root: Int32?
    let request: BOMRequest

    func members(flagged: [FlaggedComponent]) -> [(String, JSONValue)] {
        var included = Set(root.map { graph.closure(from: $0) } ?? graph.nodes.indices.map { Int32($0) })
        let mapper = ComponentMapper(graph: graph, included: included)
        if let root { included.remove(root) }
        let listedIDs = included.filter { !mapper.isFoldedArtifact($0) }.sorted {
            mapper.bomRef($0) < mapper.bomRef($1)
        }
        let componentIDs = listedIDs.filter { !mapper.isService($0) }
        let serviceIDs = listedIDs.filter(mapper.isService)

        let subject: JSONValue
        let subjectRef: String
        var subjectDependencies: [String]
        if let root {
            subject = mapper.component(root)
            subjectRef = mapper.bomRef(root)
            subjectDependencies = dependsOn(root, mapper: mapper)
        } else {
            let name = request.fleetName ?? Self.folderName(request.inventory.first)
            subjectRef = "fleet:" + name
            subject = .object([
                ("type", .string("application")), ("bom-ref", .string(subjectRef)), ("name", .string(name)),
                ("properties", .array([ComponentMapper.property("stemma:kind", "fleet")])),
            ])
            subjectDependencies = componentIDs.filter { graph.node($0).ref.kind == .agent }.map(mapper.bomRef)
        }
        subjectDependencies.sort()

        var dependencies: [JSONValue] = [Self.dependency(subjectRef, subjectDependencies)]
        for id in listedIDs { dependencies.append(Self.dependency(mapper.bomRef(id), dependsOn(id, mapper: mapper))) }

        var sources = Set<String>()
        for id in listedIDs + (root.map { [$0] } ?? []) { sources.formUnion(graph.node(id).sources) }
        let timestamp =
            request.timestamp ?? BOMTimestamp.chosen(sources: sources.sorted(), inputs: request.inventory)
        let tool = JSONValue.object([
            ("type", .string("application")), ("name", .string("stemma")), ("version", .string(StemmaVersion.current)),
        ])
        let metadata = JSONValue.object([
            ("timestamp", .string(timestamp)), ("tools", .object([("components", .array([tool]))])),
            ("component", subject),
        ])
        var members: [(String, JSONValue)] = [
            ("$schema", .string("http://cyclonedx.org/schema/bom-\(request.specVersion.rawValue).schema.json")),
            ("bomFormat", .string("CycloneDX")), ("specVersion", .string(request.specVersion.rawValue)),
            ("version", .integer(1)), ("metadata", metadata),
            ("components", .array(componentIDs.map(mapper.component))),
        ]
        if !serviceIDs.isEmpty { members.append(("services", .array(serviceIDs.map(mapper.service)))) }
        members.append(("dependencies", .array(dependencies)))
        if !request.advisories.isEmpty || !flagged.isEmpty {
            var listed = Set(listedIDs.map(mapper.bomRef))
            listed.insert(subjectRef)
            members.append(
                ("vulnerabilities", .array(BOMVulnerabilities.entries(flagged: flagged, graph: graph, listed: listed))))
        }
        return members
    }

    /// What `id` depends on in the BOM: every edge but `evaluated-on` (kept as a property) and `contains` to an
    /// artifact folded into `hashes`, to nodes the BOM lists.
    private func dependsOn(_ id: Int32, mapper: ComponentMapper) -> [String] {
        var refs = Set<String>()
        for edge in graph.forward(id) where edge.relation != .evaluatedOn {
            guard mapper.included.contains(edge.node), !mapper.isFoldedArtifact(edge.node) else { continue }
            refs.insert(mapper.bomRef(edge.node))
        }
        return refs.sorted()
    }

    private static func dependency(_ ref: String, _ dependsOn: [String]) -> JSONValue {
        .object([("ref", .string(ref)), ("dependsOn", .array(dependsOn.map(JSONValue.string)))])
    }

    /// The last component of an inventory path (`examples/fleet/` → `fleet`); `fleet` when there is none.
    static func folderName(_ path: String?) -> String {
        let trimmed = (path ?? "").split(separator: "/").last.map(String.init) ?? ""
        return trimmed.isEmpty || trimmed == "." || trimmed == ".." ? "fleet" : trimmed
    }
}
