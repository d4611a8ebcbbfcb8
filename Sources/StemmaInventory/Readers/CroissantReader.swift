internal import StemmaCore
public import StemmaGraph

/// Reads an MLCommons Croissant (JSON-LD) dataset description into a dataset node.
///
/// Identity: a `url` on huggingface.co names `pkg:huggingface/datasets/org/name` (Hugging Face refs carry git
/// revisions, so the declared `version` stays a property); otherwise `dataset:<name>[@<version>]`.
/// `distribution[]` FileObjects with a 64-hex `sha256` become the dataset's artifacts; any other `sha256`
/// (Hugging Face writes a placeholder URL there, the spec's own examples 32-hex values) is skipped with a
/// warning. `prov:wasDerivedFrom` and `isBasedOn` become `derived-from` edges: Hugging Face URLs to their
/// dataset (or model) refs, anything else to `dataset:<url>`.
public enum CroissantReader: InventoryReader {
    /// `croissant`.
    public static let formatName = "croissant"

    /// A JSON-LD object (`@context`) that conforms to Croissant or uses its vocabulary.
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        guard let keys = FormatReaderSupport.topLevelKeys(head), keys.contains("@context") else { return false }
        return FormatReaderSupport.contains("mlcommons.org/croissant", in: head)
    }

    /// Reads the dataset description.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, source: path)
        } catch {
            return .refused(path, error)
        }
        guard let name = document["name"]?.readerText, !name.isEmpty else {
            return .warning(path, "Croissant dataset has no name")
        }
        var fragment = InventoryFragment()
        let version = document["version"]?.readerText
        let url = document["url"]?.readerText
        let hub = url.flatMap(FormatReaderSupport.huggingFaceRef(url:)).flatMap { $0.kind == .dataset ? $0 : nil }
        let ref = hub ?? ComponentRef(kind: .dataset, name: name, version: version)

        var properties = ["format": formatName, "name": name]
        properties["version"] = version
        properties["url"] = url.map(FormatReaderSupport.redactedURL)
        let licenses = document["license"]?.readerList.compactMap(\.readerText) ?? []
        if !licenses.isEmpty { properties["license"] = licenses.joined(separator: ",") }
        let creators = document["creator"]?.readerList.compactMap(\.readerText) ?? []
        if !creators.isEmpty { properties["creator"] = creators.joined(separator: ",") }
        properties["date_published"] = document["datePublished"]?.readerText
        properties["conforms_to"] = (document["conformsTo"] ?? document["dct:conformsTo"])?.readerText

        var artifacts: [String] = []
        var seen: Set<String> = []  // 200,000 file objects: a linear scan per digest was quadratic
        for file in document["distribution"]?.readerList ?? [] {
            let type = file["@type"]?.readerText ?? ""
            guard type.hasSuffix("FileObject"), let digest = (file["sha256"] ?? file["sc:sha256"])?.readerText
            else { continue }
            let label = file["name"]?.readerText ?? file["@id"]?.readerText ?? "?"
            if FormatReaderSupport.isSHA256(digest) {
                let digest = digest.lowercased()
                if seen.insert(digest).inserted { artifacts.append(digest) }
            } else {
                fragment.warnings.append(
                    InventoryWarning(
                        source: path,
                        message: "file object '\(label)' has a sha256 that is not a SHA-256 digest; skipped"))
            }
        }
        fragment.components.append(
            ComponentRecord(ref: ref, properties: properties, artifacts: artifacts, source: path))

        let evidence = Evidence(source: path, status: .declared)
        let parents = ["prov:wasDerivedFrom", "wasDerivedFrom", "isBasedOn", "sc:isBasedOn"].flatMap {
            document[$0]?.readerList ?? []
        }
        var linked: Set<ComponentRef> = [ref]
        for parent in parents {
            guard let text = parent.readerText, !text.isEmpty else { continue }
            let target = FormatReaderSupport.huggingFaceRef(url: text) ?? ComponentRef(kind: .dataset, name: text)
            guard linked.insert(target).inserted else { continue }
            fragment.edges.append(EdgeRecord(from: ref, to: target, relation: .derivedFrom, evidence: evidence))
        }
        return fragment
    }
}
