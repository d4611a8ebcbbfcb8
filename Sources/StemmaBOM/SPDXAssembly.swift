import StemmaCore
import StemmaGraph

/// Lays out one SPDX 3.0.1 JSON-LD document in a fixed order: the `CreationInfo`, the Stemma agent and tool,
/// the `SpdxDocument`, the `software_Sbom`, then one element per listed node (sorted by ref) and the
/// relationships (sorted by spdxId).
///
/// Mapping: models are `ai_AIPackage`; datasets and corpora `dataset_DatasetPackage` (`dataset_datasetType` is
/// required, and Stemma never knows it, so it is `noAssertion`); packages `software_Package` (`library`); agents
/// and tools (MCP servers, APIs) `software_Package` (`application`; an SPDX 3.0.1 `ai_AIPackage` is a model, and
/// the `AIAgent` class is 3.1 work in progress); standalone weight files `software_File`. Artifacts a component
/// `contains` become its `verifiedUsing` SHA-256 hashes. No `ai_` property is written that the inventory does
/// not state.
struct SPDXAssembly {
    let graph: Graph
    let root: Int32?
    let request: BOMRequest
    let mapper: ComponentMapper
    /// The nodes written as elements, sorted by ref text.
    let listed: [Int32]

    static let placeholderBase = "https://stemma.dev/spdx/pending"
    static let creationInfo = "_:creationinfo"
    static let profiles: [JSONValue] = ["core", "software", "ai", "dataset"].map(JSONValue.string)

    /// `https://stemma.dev/spdx/<uuid>`: the namespace every spdxId of one document lives in.
    static func base(serial: String) -> String {
        "https://stemma.dev/spdx/" + String(serial.dropFirst(serial.hasPrefix("urn:uuid:") ? 9 : 0))
    }

    init(graph: Graph, root: Int32?, request: BOMRequest) {
        self.graph = graph
        self.root = root
        self.request = request
        let included = Set(root.map { graph.closure(from: $0) } ?? graph.nodes.indices.map { Int32($0) })
        let mapper = ComponentMapper(graph: graph, included: included)
        self.mapper = mapper
        listed = included.filter { !mapper.isFoldedArtifact($0) }.sorted { mapper.bomRef($0) < mapper.bomRef($1) }
    }

    /// The whole document with every spdxId under `base`.
    func document(base: String) -> JSONValue {
        let creator = base + "/stemma"
        let tool = base + "/stemma-tool"
        let elements = listed.map { element($0, base: base) }
        let relationships = relationships(base: base)
        let agents = listed.filter { graph.node($0).ref.kind == .agent }
        let roots = root.map { [$0] } ?? (agents.isEmpty ? listed : agents)
        let rootIDs = roots.map { JSONValue.string(Self.id(base, mapper.bomRef($0))) }
        let memberIDs = listed.map { JSONValue.string(Self.id(base, mapper.bomRef($0))) } + relationships.map(\.0)

        var graphMembers: [JSONValue] = [
            .object([
                ("type", .string("CreationInfo")), ("@id", .string(Self.creationInfo)),
                ("specVersion", .string("3.0.1")),
                ("created", .string(timestamp())), ("createdBy", .array([.string(creator)])),
                ("createdUsing", .array([.string(tool)])),
            ]),
            .object(Self.header("SoftwareAgent", creator) + [("name", .string("Stemma"))]),
            .object(Self.header("Tool", tool) + [("name", .string("stemma \(StemmaVersion.current)"))]),
            .object(
                Self.header("SpdxDocument", base + "/document") + [
                    ("name", .string(documentName())), ("profileConformance", .array(Self.profiles)),
                    ("rootElement", .array([.string(base + "/sbom")])),
                ]),
            .object(
                Self.header("software_Sbom", base + "/sbom") + [
                    ("profileConformance", .array(Self.profiles)), ("software_sbomType", .array([.string("analyzed")])),
                    ("rootElement", .array(rootIDs)), ("element", .array(memberIDs)),
                ]),
        ]
        graphMembers += elements
        graphMembers += relationships.map(\.1)
        return .object([
            ("@context", .string("https://spdx.org/rdf/3.0.1/spdx-context.jsonld")), ("@graph", .array(graphMembers)),
        ])
    }

    private func documentName() -> String {
        if let root { return "Stemma AI-BOM of \(mapper.bomRef(root))" }
        return "Stemma AI-BOM of fleet " + (request.fleetName ?? CycloneDXAssembly.folderName(request.inventory.first))
    }

    /// `--timestamp`, or the modification time of the newest document a listed node came from.
    private func timestamp() -> String {
        if let timestamp = request.timestamp { return timestamp }
        var sources = Set<String>()
        for id in listed { sources.formUnion(graph.node(id).sources) }
        return BOMTimestamp.chosen(sources: sources.sorted(), inputs: request.inventory)
    }

    // MARK: - Elements

    private func element(_ id: Int32, base: String) -> JSONValue {
        let node = graph.node(id)
        let ref = node.ref
        var members = Self.header(Self.elementType(ref.kind), Self.id(base, mapper.bomRef(id)))
        members.append(("name", .string(mapper.displayName(id))))
        if let description = node.properties["description"] { members.append(("description", .string(description))) }
        var notes = ["Stemma ref \(ref.description)", "evidence \(graph.strongestEvidence(of: id).rawValue)"]
        if graph.isUnresolved(id) { notes.append("unresolved (only named by other documents)") }
        members.append(("comment", .string(notes.joined(separator: "; "))))
        if ref.kind != .artifact {
            if let version = ref.version { members.append(("software_packageVersion", .string(version))) }
            if let purl = ComponentMapper.purl(ref) { members.append(("software_packageUrl", .string(purl))) }
            if let location = ComponentMapper.distribution(ref) {
                members.append(("software_downloadLocation", .string(location)))
            }
            members.append(("software_primaryPurpose", .string(Self.primaryPurpose(ref.kind))))
        }
        let digests = mapper.digests(id)
        if !digests.isEmpty {
            members.append(
                (
                    "verifiedUsing",
                    .array(
                        digests.map { digest in
                            .object([
                                ("type", .string("Hash")), ("algorithm", .string("sha256")),
                                ("hashValue", .string(digest)),
                            ])
                        })
                ))
        }
        if ref.kind == .dataset || ref.kind == .corpus {
            members.append(("dataset_datasetType", .array([.string("noAssertion")])))
        }
        return .object(members)
    }

    static func elementType(_ kind: NodeKind) -> String {
        switch kind {
        case .model: return "ai_AIPackage"
        case .dataset, .corpus: return "dataset_DatasetPackage"
        case .artifact: return "software_File"
        case .package, .tool, .agent: return "software_Package"
        }
    }

    static func primaryPurpose(_ kind: NodeKind) -> String {
        switch kind {
        case .model: return "model"
        case .dataset, .corpus: return "data"
        case .package: return "library"
        case .artifact: return "file"
        case .tool, .agent: return "application"
        }
    }

    // MARK: - Relationships

    /// How a Stemma relation is written: the SPDX type, whether `from`/`to` swap (lineage is written from the
    /// base to the derived model: `ancestorOf`), and the lifecycle scope (`runtime` for what an agent uses).
    static func relationship(_ relation: Relation, from kind: NodeKind) -> (
        type: String, reversed: Bool, scope: String?
    ) {
        switch relation {
        case .trainedOn: return ("trainedOn", false, nil)
        case .evaluatedOn: return ("testedOn", false, nil)
        case .fineTunedFrom, .adapterOf, .quantizedFrom, .mergedFrom, .derivedFrom: return ("ancestorOf", true, nil)
        case .contains: return ("contains", false, nil)
        case .retrievesFrom, .embedsWith, .usesModel, .requiresPackage, .usesTool, .spawns, .anyVersion:
            return ("dependsOn", false, kind == .agent ? "runtime" : nil)
        }
    }

    /// One relationship per (from, SPDX type, Stemma relation), `to` sorted; sorted by spdxId.
    private func relationships(base: String) -> [(JSONValue, JSONValue)] {
        struct Key: Hashable {
            let from: String
            let type: String
            let relation: Relation
            let scope: String?
        }
        let listedSet = Set(listed)
        var grouped: [Key: Set<String>] = [:]
        for id in listed {
            for edge in graph.forward(id) where listedSet.contains(edge.node) {
                let mapping = Self.relationship(edge.relation, from: graph.node(id).ref.kind)
                let (from, to) = mapping.reversed ? (edge.node, id) : (id, edge.node)
                let key = Key(
                    from: mapper.bomRef(from), type: mapping.type, relation: edge.relation, scope: mapping.scope)
                grouped[key, default: []].insert(mapper.bomRef(to))
            }
        }
        let entries = grouped.map { key, targets -> (String, JSONValue) in
            let spdxID = Self.id(base + "/relationship", key.from) + "/" + key.type + "/" + key.relation.rawValue
            var members = Self.header(key.scope == nil ? "Relationship" : "LifecycleScopedRelationship", spdxID)
            members += [
                ("from", .string(Self.id(base, key.from))), ("relationshipType", .string(key.type)),
                ("to", .array(targets.sorted().map { .string(Self.id(base, $0)) })),
            ]
            if let scope = key.scope { members.append(("scope", .string(scope))) }
            members.append(("comment", .string("Stemma relation \(key.relation.rawValue)")))
            return (spdxID, .object(members))
        }
        return entries.sorted { $0.0 < $1.0 }.map { (.string($0.0), $0.1) }
    }

    // MARK: - Identifiers

    static func header(_ type: String, _ spdxID: String) -> [(String, JSONValue)] {
        [("type", .string(type)), ("spdxId", .string(spdxID)), ("creationInfo", .string(creationInfo))]
    }

    /// `base/<ref>` with the ref percent-encoded (everything but RFC 3986 unreserved characters), so distinct
    /// refs give distinct IRIs.
    static func id(_ base: String, _ ref: String) -> String {
        var encoded = ""
        for byte in ref.utf8 {
            let isUnreserved =
                (65...90).contains(byte) || (97...122).contains(byte) || (48...57).contains(byte)
                || [45, 46, 95, 126].contains(byte)
            if isUnreserved {
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = Array("0123456789ABCDEF")
                encoded += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return base + "/" + encoded
    }
}
