public import StemmaGraph

/// Hugging Face model and dataset cards: the YAML front matter of a `README.md`.
///
/// Identity comes from where the card is: in the hub cache (`models--ORG--NAME/snapshots/REV/README.md`) the repo
/// id and revision; in a plain folder, the folder's name. Model cards give lineage (`base_model` with
/// `base_model_relation`, and the Hub's `base_model:adapter:…` / `quantized` / `merge` / `finetune` tags), training data (`datasets`) and evaluation data (`model-index`, which does not carry
/// risk); dataset cards give `source_datasets`.
public enum HuggingFaceCardReader: InventoryReader {
    public static let formatName = "hf-card"

    /// A `README.md` with front matter, or any `README.md` in the hub cache (where a card without front matter is
    /// worth a warning: that model declares no lineage).
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        guard path.utf8.count >= 9 else { return false }
        let name = path.utf8.suffix(10)
        // Compared byte by byte, ASCII case folded: this runs for every file of the inventory.
        guard name.suffix(9).elementsEqual("readme.md".utf8, by: { ($0 >= 65 && $0 <= 90 ? $0 + 32 : $0) == $1 }),
            name.count == 9 || name.first == UInt8(ascii: "/")
        else { return false }
        if CardLocation(path: path).inHubCache { return true }
        if case .missing = FrontMatter.extract(Array(head.prefix(16))) { return false }
        return true
    }

    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        read(path: path, bytes: bytes, fileSize: bytes.count)
    }

    /// Reads the card from its first bytes; `fileSize` says whether `bytes` are the whole file (the walker reads
    /// at most ``InventoryLimits/maxCardBytes``), so front matter that runs past them is a card not read in full.
    static func read(path: String, bytes: [UInt8], fileSize: Int) -> InventoryFragment {
        let text: [UInt8]
        switch FrontMatter.extract(bytes) {
        case .found(let yaml): text = yaml
        case .missing: return .warning(path, "the model card has no YAML front matter, so it declares no lineage")
        case .unterminated where fileSize > bytes.count:
            return .notFullyRead(
                path,
                "the card's front matter does not end within its first \(bytes.count) bytes (the card limit); not read")
        case .unterminated:
            return .warning(path, "the card's front matter is not closed by '---'")
        }
        let document: YAMLDocument
        switch YAMLDocument.parse(text) {
        case .success(let parsed): document = parsed
        case .failure(let problem) where problem.isLimit:
            return .notFullyRead(path, "the card's front matter \(problem.reason); not read")
        case .failure(let problem): return .warning(path, "the card's front matter \(problem.reason)")
        }
        let location = CardLocation(path: path)
        let isDataset = location.kind == .dataset || (location.kind == nil && looksLikeDatasetCard(document))
        if isDataset { return datasetCard(document, path: path, location: location) }
        return modelCard(document, path: path, location: location)
    }

    private static func looksLikeDatasetCard(_ document: YAMLDocument) -> Bool {
        document["base_model"] == nil && document["model-index"] == nil
            && (document["source_datasets"] != nil || document["task_categories"] != nil
                || document["size_categories"] != nil || document["dataset_info"] != nil)
    }

    /// Card keys copied as node properties, with the property name each becomes.
    private static let propertyKeys = [
        ("license", "license"), ("license_name", "license-name"), ("library_name", "library-name"),
        ("pipeline_tag", "pipeline-tag"), ("quantized_by", "quantized-by"), ("pretty_name", "pretty-name"),
    ]

    private static func properties(_ document: YAMLDocument, location: CardLocation) -> [String: String] {
        var properties: [String: String] = [:]
        for (key, property) in propertyKeys {
            if let value = document.string(key) { properties[property] = value }
        }
        if let revision = location.revision { properties["revision"] = revision }
        return properties
    }

    private static func modelCard(_ document: YAMLDocument, path: String, location: CardLocation) -> InventoryFragment {
        let model = location.ref(kind: .model)
        var fragment = InventoryFragment(
            components: [
                ComponentRecord(ref: model, properties: properties(document, location: location), source: path)
            ])
        let evidence = Evidence(source: path, status: .declared)
        let bases = document.strings("base_model")
        let declaredRelation = document.string("base_model_relation").flatMap { Relation(loose: $0) }
        let tagged = taggedBases(document.strings("tags"))
        let relation = declaredRelation ?? (bases.count > 1 ? .mergedFrom : .fineTunedFrom)
        var linked = Set<ComponentRef>()
        // The first tag's relation for each base, looked up in O(1): with every tag read, a linear search per
        // base would be quadratic.
        var taggedRelation: [ComponentRef: Relation] = [:]
        for tag in tagged where taggedRelation[tag.ref] == nil { taggedRelation[tag.ref] = tag.relation }
        for base in bases {
            guard let ref = RefText.huggingFaceModel(base) else {
                fragment.warnings.append(
                    InventoryWarning(
                        source: path, message: "base_model \"\(base.prefix(100))\" is not a Hugging Face model id"))
                continue
            }
            // The Hub derives `base_model:adapter:…` tags from the relation; a card that states the tag but not
            // `base_model_relation` is an adapter (or quantization, merge) all the same.
            let stated = declaredRelation ?? taggedRelation[ref] ?? relation
            linked.insert(ref)
            fragment.edges.append(EdgeRecord(from: model, to: ref, relation: stated, evidence: evidence))
        }
        for tag in tagged where linked.insert(tag.ref).inserted {
            fragment.edges.append(EdgeRecord(from: model, to: tag.ref, relation: tag.relation, evidence: evidence))
        }
        for dataset in document.strings("datasets") {
            guard let ref = RefText.huggingFaceDataset(dataset) else { continue }
            fragment.edges.append(EdgeRecord(from: model, to: ref, relation: .trainedOn, evidence: evidence))
        }
        for dataset in evaluationDatasets(document["model-index"]) {
            guard let ref = RefText.huggingFaceDataset(dataset) else { continue }
            fragment.edges.append(EdgeRecord(from: model, to: ref, relation: .evaluatedOn, evidence: evidence))
        }
        return fragment
    }

    /// The Hub's lineage tags: `base_model:adapter:ORG/NAME`, `base_model:quantized:…`, `base_model:merge:…` and
    /// `base_model:finetune:…` (the plain `base_model:ORG/NAME` tag repeats `base_model` and adds no relation).
    private static func taggedBases(_ tags: [String]) -> [(ref: ComponentRef, relation: Relation)] {
        var found: [(ref: ComponentRef, relation: Relation)] = []
        for tag in tags where tag.hasPrefix("base_model:") {
            let rest = tag.dropFirst(11)
            guard let colon = rest.firstIndex(of: ":") else { continue }
            let relation: Relation
            switch rest[..<colon] {
            case "adapter": relation = .adapterOf
            case "quantized": relation = .quantizedFrom
            case "merge": relation = .mergedFrom
            case "finetune": relation = .fineTunedFrom
            default: continue
            }
            guard let ref = RefText.huggingFaceModel(String(rest[rest.index(after: colon)...])) else { continue }
            found.append((ref, relation))
        }
        return found
    }

    /// `model-index[].results[].dataset.type` (the dataset's Hub id); the YAML tree's node bound bounds them.
    private static func evaluationDatasets(_ node: YAMLTree?) -> [String] {
        var names: [String] = []
        for entry in node?.sequence ?? [] {
            for result in entry["results"]?.sequence ?? [] {
                if let type = result["dataset"]?["type"]?.string { names.append(type) }
            }
        }
        return names
    }

    private static func datasetCard(_ document: YAMLDocument, path: String, location: CardLocation) -> InventoryFragment
    {
        let dataset = location.ref(kind: .dataset)
        var fragment = InventoryFragment(
            components: [
                ComponentRecord(ref: dataset, properties: properties(document, location: location), source: path)
            ])
        for source in document.strings("source_datasets") {
            // HF convention: "original", or "extended|org/name".
            let name = source.split(separator: "|").last.map(String.init) ?? source
            guard name != "original", let ref = RefText.huggingFaceDataset(name) else { continue }
            fragment.edges.append(
                EdgeRecord(
                    from: dataset, to: ref, relation: .derivedFrom, evidence: Evidence(source: path, status: .declared))
            )
        }
        return fragment
    }
}

/// What a card's path says about the repository it describes.
struct CardLocation {
    /// `.model` or `.dataset` for the hub cache layout; nil for a plain folder.
    var kind: NodeKind?
    /// `org/name` in the hub cache; the folder name otherwise.
    var name: String
    var revision: String?
    var inHubCache: Bool

    init(path: String) {
        // Only the last four components matter; splitting the whole path for 50,000 cards showed in profiles.
        let parts = Self.lastComponents(path, count: 4)
        // …/models--ORG--NAME/snapshots/REV/README.md
        if parts.count >= 4, parts[parts.count - 3] == "snapshots" {
            let repo = parts[parts.count - 4]
            for (prefix, kind) in [("models--", NodeKind.model), ("datasets--", NodeKind.dataset)]
            where repo.hasPrefix(prefix) {
                let id = repo.utf8.dropFirst(prefix.utf8.count)
                // The first `--` separates owner and name (the Hub forbids `--` inside either).
                if let dash = Self.firstDoubleDash(id) {
                    name =
                        String(repo[id.startIndex..<dash]) + "/" + String(repo[repo.utf8.index(dash, offsetBy: 2)...])
                } else {
                    name = String(repo[id.startIndex...])
                }
                self.kind = kind
                revision = parts[parts.count - 2]
                inHubCache = true
                return
            }
        }
        kind = nil
        name = parts.count >= 2 ? parts[parts.count - 2] : "model"
        revision = nil
        inHubCache = false
    }

    private static func firstDoubleDash(_ bytes: Substring.UTF8View) -> String.Index? {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let next = bytes.index(after: index)
            if bytes[index] == UInt8(ascii: "-"), next < bytes.endIndex, bytes[next] == UInt8(ascii: "-") {
                return index
            }
            index = next
        }
        return nil
    }

    /// The last `count` components of a path, found from the end without splitting the whole path (by bytes: `/`
    /// is ASCII, so every cut is on a character boundary).
    static func lastComponents(_ path: String, count: Int) -> [String] {
        let bytes = path.utf8
        var parts: [String] = []
        var end = bytes.endIndex
        var index = bytes.endIndex
        while index > bytes.startIndex && parts.count < count {
            index = bytes.index(before: index)
            if bytes[index] == UInt8(ascii: "/") {
                if index < end { parts.append(String(path[bytes.index(after: index)..<end])) }
                end = index
            }
        }
        if parts.count < count && end > bytes.startIndex { parts.append(String(path[bytes.startIndex..<end])) }
        return parts.reversed()
    }

    func ref(kind: NodeKind) -> ComponentRef {
        inHubCache
            ? ComponentRef(kind: kind, ecosystem: "huggingface", name: name, version: revision)
            : ComponentRef(kind: kind, name: name)
    }
}
