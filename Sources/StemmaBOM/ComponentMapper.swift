import StemmaCore
import StemmaGraph

/// Turns graph nodes into CycloneDX components and services.
///
/// Agents are `application`s, models `machine-learning-model`s (training data as `modelCard` dataset refs,
/// lineage as `pedigree.ancestors`), datasets and corpora `data`, packages `library`s, tools `services`, and the
/// artifacts a component `contains` become its `hashes`. Every component carries `stemma:evidence`.
struct ComponentMapper {
    let graph: Graph
    /// The nodes the BOM lists.
    let included: Set<Int32>

    static let lineage: Set<Relation> = [.fineTunedFrom, .adapterOf, .quantizedFrom, .mergedFrom]

    /// The bom-ref of a node: its canonical ref text, unique in the graph.
    func bomRef(_ id: Int32) -> String { graph.node(id).ref.description }

    /// Whether the node is written as a service rather than a component.
    func isService(_ id: Int32) -> Bool { graph.node(id).ref.kind == .tool }

    /// Whether the node is folded into its containers' `hashes` instead of being listed. A named file of a bundle
    /// (`stemma bom BUNDLE`) is listed as its own `file` component, so a model of many files keeps one hash a file.
    func isFoldedArtifact(_ id: Int32) -> Bool {
        graph.node(id).ref.kind == .artifact && !isNamedFile(id)
            && graph.reverse(id).contains { $0.relation == .contains && included.contains($0.node) }
    }

    /// Whether the node is a file of a bundle whose name and digest Stemma read itself.
    func isNamedFile(_ id: Int32) -> Bool {
        graph.node(id).ref.kind == .artifact && graph.node(id).properties[Self.fileNameProperty] != nil
    }

    /// The node property that names a bundle file (its path inside the bundle).
    static let fileNameProperty = "file-name"

    /// The name a node is listed under: a bundle file's path, an artifact's ref, anything else's name.
    func displayName(_ id: Int32) -> String {
        let node = graph.node(id)
        if let file = node.properties[Self.fileNameProperty], node.ref.kind == .artifact { return file }
        return node.ref.kind == .artifact ? node.ref.description : node.ref.name
    }

    /// Lowercase SHA-256 digests of the node itself (an artifact) and of the artifacts folded into it; sorted.
    func digests(_ id: Int32) -> [String] {
        var digests: Set<String> = []
        if graph.node(id).ref.kind == .artifact { digests.insert(graph.node(id).ref.name.lowercased()) }
        for edge in graph.forward(id)
        where edge.relation == .contains && graph.node(edge.node).ref.kind == .artifact && !isNamedFile(edge.node) {
            digests.insert(graph.node(edge.node).ref.name.lowercased())
        }
        return digests.filter(Self.isSHA256).sorted()
    }

    private static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// The component for a node that is not a service.
    func component(_ id: Int32) -> JSONValue {
        let ref = graph.node(id).ref
        var members: [(String, JSONValue)] = [
            ("type", .string(Self.componentType(ref.kind))), ("bom-ref", .string(bomRef(id))),
        ]
        members += identity(id)
        if let description = graph.node(id).properties["description"] {
            members.append(("description", .string(description)))
        }
        let hashes = hashes(id)
        if !hashes.isEmpty { members.append(("hashes", .array(hashes))) }
        if let license = graph.node(id).properties["license-name"] ?? graph.node(id).properties["license"] {
            members.append(("licenses", .array([.object([("license", .object([("name", .string(license))]))])])))
        }
        if let purl = Self.purl(ref) { members.append(("purl", .string(purl))) }
        if let reference = Self.distribution(ref) {
            members.append(
                (
                    "externalReferences",
                    .array([.object([("type", .string("distribution")), ("url", .string(reference))])])
                ))
        }
        if ref.kind == .model {
            if let pedigree = pedigree(id) { members.append(("pedigree", pedigree)) }
            if let card = modelCard(id) { members.append(("modelCard", card)) }
        }
        if ref.kind == .dataset || ref.kind == .corpus {
            members.append(("data", .array([.object([("type", .string("dataset")), ("name", .string(ref.name))])])))
        }
        members.append(("properties", .array(properties(id))))
        return .object(members)
    }

    /// The service for a tool (an MCP server or an API the agent calls).
    func service(_ id: Int32) -> JSONValue {
        let node = graph.node(id)
        var members: [(String, JSONValue)] = [("bom-ref", .string(bomRef(id))), ("name", .string(node.ref.name))]
        if let version = node.ref.version { members.append(("version", .string(version))) }
        if let description = node.properties["description"] { members.append(("description", .string(description))) }
        if let url = node.properties["url"] { members.append(("endpoints", .array([.string(url)]))) }
        members.append(("properties", .array(properties(id))))
        return .object(members)
    }

    /// `group`, `name` and `version`: a Hugging Face `ORG/NAME` and an npm `@scope/name` split at the slash.
    func identity(_ id: Int32) -> [(String, JSONValue)] {
        let ref = graph.node(id).ref
        var members: [(String, JSONValue)] = []
        if ref.ecosystem != nil, let slash = ref.name.lastIndex(of: "/") {
            members.append(("group", .string(String(ref.name[..<slash]))))
            members.append(("name", .string(String(ref.name[ref.name.index(after: slash)...]))))
        } else {
            members.append(("name", .string(displayName(id))))
        }
        if let version = ref.version { members.append(("version", .string(version))) }
        return members
    }

    /// SHA-256 hashes of the node (an artifact) and of the artifacts folded into it, sorted.
    func hashes(_ id: Int32) -> [JSONValue] {
        digests(id).map { digest in .object([("alg", .string("SHA-256")), ("content", .string(digest))]) }
    }

    /// `pedigree.ancestors`: each model this one was fine-tuned, adapted, quantized or merged from, as a copy
    /// without a bom-ref (bom-refs are unique; the ancestor is also listed on its own), with the relation kept.
    func pedigree(_ id: Int32) -> JSONValue? {
        let edges = graph.forward(id).filter { Self.lineage.contains($0.relation) }
            .sorted { (bomRef($0.node), $0.relation.rawValue) < (bomRef($1.node), $1.relation.rawValue) }
        guard !edges.isEmpty else { return nil }
        let ancestors = edges.map { edge -> JSONValue in
            let ref = graph.node(edge.node).ref
            var members: [(String, JSONValue)] = [("type", .string(Self.componentType(ref.kind)))]
            members += identity(edge.node)
            let hashes = hashes(edge.node)
            if !hashes.isEmpty { members.append(("hashes", .array(hashes))) }
            if let purl = Self.purl(ref) { members.append(("purl", .string(purl))) }
            members.append(
                (
                    "properties",
                    .array([
                        Self.property("stemma:ref", ref.description),
                        Self.property("stemma:relation", edge.relation.rawValue),
                        Self.property("stemma:evidence", edge.evidence.status.rawValue),
                    ])
                ))
            return .object(members)
        }
        let notes = edges.map { "\($0.relation.rawValue) \(bomRef($0.node))" }.joined(separator: "; ")
        return .object([("ancestors", .array(ancestors)), ("notes", .string(notes))])
    }

    /// `modelCard.modelParameters`: the task and the data components it was trained on, by bom-ref.
    func modelCard(_ id: Int32) -> JSONValue? {
        let datasets = Set(
            graph.forward(id).filter { edge in
                edge.relation == .trainedOn && included.contains(edge.node)
                    && [.dataset, .corpus].contains(graph.node(edge.node).ref.kind)
            }.map { bomRef($0.node) }
        ).sorted()
        let task = graph.node(id).properties["pipeline-tag"]
        guard !datasets.isEmpty || task != nil else { return nil }
        var parameters: [(String, JSONValue)] = []
        if let task { parameters.append(("task", .string(task))) }
        if !datasets.isEmpty {
            parameters.append(("datasets", .array(datasets.map { .object([("ref", .string($0))]) })))
        }
        return .object([("modelParameters", .object(parameters))])
    }

    /// `stemma:` properties: kind, evidence, unresolved, lineage and evaluation edges, the node's attributes and
    /// the documents it came from; sorted by name, then value.
    func properties(_ id: Int32) -> [JSONValue] {
        let node = graph.node(id)
        var pairs: [(String, String)] = [
            ("stemma:kind", node.ref.kind.rawValue),
            ("stemma:evidence", graph.strongestEvidence(of: id).rawValue),
        ]
        if graph.isUnresolved(id) { pairs.append(("stemma:unresolved", "true")) }
        for edge in graph.forward(id) where Self.lineage.contains(edge.relation) || edge.relation == .evaluatedOn {
            pairs.append(("stemma:" + edge.relation.rawValue, bomRef(edge.node)))
        }
        for (key, value) in node.properties where key != "description" { pairs.append(("stemma:" + key, value)) }
        for source in node.sources { pairs.append(("stemma:source", source)) }
        return pairs.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { Self.property($0.0, $0.1) }
    }

    static func property(_ name: String, _ value: String) -> JSONValue {
        .object([("name", .string(name)), ("value", .string(value))])
    }

    static func componentType(_ kind: NodeKind) -> String {
        switch kind {
        case .agent: return "application"
        case .model: return "machine-learning-model"
        case .dataset, .corpus: return "data"
        case .package: return "library"
        case .artifact: return "file"
        case .tool: return "application"
        }
    }

    /// The purl: the ref's own text where it has an ecosystem, except for datasets (purl has no dataset type
    /// yet: purl-spec PR #534). An npm scope's `@` is percent-encoded as the purl spec asks.
    static func purl(_ ref: ComponentRef) -> String? {
        guard let ecosystem = ref.ecosystem, ref.kind != .dataset, ref.kind != .corpus, ref.kind != .artifact else {
            return nil
        }
        var name = ref.name
        if ecosystem == "npm", name.hasPrefix("@") { name = "%40" + name.dropFirst() }
        let version =
            ref.version.map {
                "@" + $0.split(separator: "+", omittingEmptySubsequences: false).joined(separator: "%2B")
            } ?? ""
        return "pkg:\(ecosystem)/\(name)\(version)"
    }

    /// Where a Hugging Face model or dataset lives.
    static func distribution(_ ref: ComponentRef) -> String? {
        guard ref.ecosystem == "huggingface" else { return nil }
        switch ref.kind {
        case .model: return "https://huggingface.co/\(ref.name)"
        case .dataset: return "https://huggingface.co/datasets/\(ref.name)"
        default: return nil
        }
    }
}
