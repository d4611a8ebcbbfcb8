internal import StemmaCore
public import StemmaGraph
import StemmaModelHeaders

/// Reads the JSON header of a safetensors file into a model component.
///
/// Layout: an 8-byte little-endian header length N, then N bytes of JSON (`__metadata__`, a flat string map,
/// and one entry per tensor), then the tensor data, which is never read. The model is named by
/// `__metadata__` (`name`, `model_name`, `modelspec.title`) when it says, else by a Hugging Face cache path
/// (`models--org--name/snapshots/REV/`, giving `pkg:huggingface/org/name@REV`), else by the file's folder.
/// `base_model` / `base_model_name_or_path` become a `fine-tuned-from` edge (or the relation
/// `base_model_relation` names), and `dataset` / `datasets` (comma-separated) `trained-on` edges.
public enum SafetensorsReader: HeaderOnlyReader {
    /// `safetensors`.
    public static let formatName = "safetensors"

    /// The header bound of the safetensors library: 100 MB, plus the 8-byte length.
    public static var maxHeaderBytes: Int { maxJSONBytes + 8 }

    /// The longest JSON header accepted (the reference library's limit, shared with `stemma scan`).
    public static var maxJSONBytes: Int { SafetensorsHeader.maxJSONBytes }

    /// An 8-byte length followed by a JSON object, whatever the file is called.
    public static func recognizes(path: String, head: [UInt8]) -> Bool { SafetensorsHeader.looksLikeHeader(head) }

    /// The length prefix plus the JSON header, or just the head when the declared length is out of bounds.
    public static func bytesNeeded(head: [UInt8]) -> Int? {
        guard recognizes(path: "", head: head), let length = declaredLength(head) else { return nil }
        return length <= UInt64(maxJSONBytes) ? Int(length) + 8 : head.count
    }

    private static func declaredLength(_ head: [UInt8]) -> UInt64? { SafetensorsHeader.declaredLength(head) }

    /// Reads the header at the start of `bytes` (the walker passes a prefix, see ``HeaderOnlyReader``).
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        guard let length = declaredLength(bytes) else {
            return .warning(path, "not a safetensors file: shorter than its 8-byte header length")
        }
        guard length <= UInt64(maxJSONBytes) else {
            return .warning(path, "safetensors header of \(length) bytes exceeds the \(maxJSONBytes)-byte limit")
        }
        guard Int(length) <= bytes.count - 8 else {
            return .warning(path, "safetensors header declares \(length) bytes; only \(bytes.count - 8) follow")
        }
        let limits = JSONLimits(maxBytes: maxJSONBytes, maxDepth: 16, maxValues: 20_000_000)
        let header: JSONValue
        do {
            header = try JSONParser.parse(Array(bytes[8..<8 + Int(length)]), limits: limits, source: path)
        } catch {
            return .refused(path, error, prefix: "safetensors header: ")
        }
        guard let members = header.objectValue else {
            return .warning(path, "safetensors header is \(header.kindName), not an object")
        }
        var fragment = InventoryFragment()
        var metadata: [String: String] = [:]
        for (key, value) in header["__metadata__"]?.objectValue ?? [] {
            if let text = value.stringValue {
                metadata[key] = text
            } else {
                fragment.warnings.append(
                    InventoryWarning(source: path, message: "__metadata__ value '\(key)' is not a string; ignored"))
            }
        }
        let tensors = members.filter { $0.0 != "__metadata__" }
        var properties = ["format": "safetensors", "tensors": String(tensors.count)]
        properties["framework"] = metadata["format"]
        let dtypes = Set(tensors.compactMap { $0.1["dtype"]?.stringValue })
        if !dtypes.isEmpty { properties["dtypes"] = dtypes.sorted().joined(separator: ",") }
        properties["license"] = metadata["license"] ?? metadata["modelspec.license"]

        let ref = identity(path: path, metadata: metadata)
        fragment.components.append(ComponentRecord(ref: ref, properties: properties, source: path))
        let evidence = Evidence(source: path, status: .declared)
        let baseRelation = metadata["base_model_relation"].flatMap(Relation.init(loose:)) ?? .fineTunedFrom
        for key in ["base_model", "base_model_name_or_path"] {
            for parent in listed(metadata[key], kind: .model) where parent.unversioned != ref.unversioned {
                guard !fragment.edges.contains(where: { $0.to == parent }) else { continue }
                fragment.edges.append(EdgeRecord(from: ref, to: parent, relation: baseRelation, evidence: evidence))
            }
        }
        for key in ["dataset", "datasets"] {
            for dataset in listed(metadata[key], kind: .dataset) {
                fragment.edges.append(EdgeRecord(from: ref, to: dataset, relation: .trainedOn, evidence: evidence))
            }
        }
        return fragment
    }

    private static func identity(path: String, metadata: [String: String]) -> ComponentRef {
        let version = metadata["version"]
        for key in ["name", "model_name", "modelspec.title"] {
            if let name = metadata[key], !name.isEmpty {
                return ComponentRef(kind: .model, name: name, version: version)
            }
        }
        let components = path.split(separator: "/").map(String.init)
        if let snapshots = components.lastIndex(of: "snapshots"), snapshots > 0, snapshots + 1 < components.count {
            let repo = components[snapshots - 1]
            if repo.hasPrefix("models--") {
                // `models--org--name`: a double dash separates the parts, single dashes belong to the names.
                let name = repo.dropFirst(8).split(separator: "--").map(String.init)
                if !name.isEmpty {
                    return ComponentRef(
                        kind: .model, ecosystem: "huggingface", name: name.joined(separator: "/"),
                        version: components[snapshots + 1])
                }
            }
        }
        let folder = FormatReaderSupport.fileName(of: FileSystemPath.folder(of: path))
        let name = folder.isEmpty || folder == "." || folder == "/" ? FormatReaderSupport.stem(of: path) : folder
        return ComponentRef(kind: .model, name: name, version: version)
    }

    /// References in a comma-separated metadata value: URLs, purls, `KIND:NAME`, Hugging Face ids (`org/name`),
    /// or plain names.
    private static func listed(_ value: String?, kind: NodeKind) -> [ComponentRef] {
        guard let value else { return [] }
        return value.split(separator: ",").compactMap { item -> ComponentRef? in
            let text = String(item.filter { !$0.isWhitespace })
            guard !text.isEmpty else { return nil }
            if let ref = FormatReaderSupport.reference(text) {
                return ref.ecosystem == "huggingface" && ref.kind != kind
                    ? ComponentRef(kind: kind, ecosystem: "huggingface", name: ref.name, version: ref.version) : ref
            }
            let segments = text.split(separator: "/", omittingEmptySubsequences: false)
            if segments.count == 2, !segments.contains(where: \.isEmpty), !text.hasPrefix(".") {
                return ComponentRef(kind: kind, ecosystem: "huggingface", name: text)
            }
            return ComponentRef(kind: kind, name: text)
        }
    }
}
