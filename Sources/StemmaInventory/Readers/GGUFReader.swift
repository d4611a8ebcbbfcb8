public import StemmaGraph
import StemmaModelHeaders

/// Reads the metadata of a GGUF model file (llama.cpp) into a model component and its parents and datasets.
///
/// **Identity.** `general.repo_url` or `general.url` naming a Hugging Face repository gives
/// `pkg:huggingface/org/name`; otherwise `model:<general.name>[@general.version]` (falling back to
/// `general.basename` and then the file name).
///
/// **Edges** (all `declared`, from the file):
/// - `general.source.repo_url` / `general.source.url` → `quantized-from` that model: the file was converted
///   (and usually quantized) from it.
/// - `general.base_model.{i}.*` (repo URL → Hugging Face ref, else `model:<name>[@version]`):
///   `adapter-of` when the file is a LoRA (`adapter.type`); `quantized-from` when the base model is the
///   source above, or has this file's own name or URL (a quantization whose card names the original as its
///   base); otherwise `fine-tuned-from`. llama.cpp copies `base_model` from the Hugging Face card of the model
///   it converts, so for an ordinary conversion the base model is the converted model's *parent*, not the model
///   that was quantized.
/// - `general.dataset.{i}.*` and `general.datasets` → `trained-on`.
public enum GGUFReader: HeaderOnlyReader {
    /// `gguf`.
    public static let formatName = "gguf"

    /// The metadata bound: 64 MiB.
    public static var maxHeaderBytes: Int { GGUFHeader.maxHeaderBytes }

    /// GGUF by its magic and version, whatever the file is called.
    public static func recognizes(path: String, head: [UInt8]) -> Bool { GGUFHeader.hasMagic(head) }

    /// Parses as far as the prefix allows; asks for at least twice the prefix when it ends mid-metadata, so
    /// that a walker growing the prefix reads a header of n bytes in O(log n) rounds.
    public static func bytesNeeded(head: [UInt8]) -> Int? {
        guard GGUFHeader.hasMagic(head) else { return nil }
        do {
            return try GGUFHeader.parse(head).metadataEnd
        } catch .truncated(let required) {
            let doubled = head.count > maxHeaderBytes / 2 ? maxHeaderBytes : head.count * 2
            return min(max(required, doubled), maxHeaderBytes)
        } catch {
            return head.count
        }
    }

    /// Reads the metadata at the start of `bytes` (the walker passes a prefix, see ``HeaderOnlyReader``).
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let header: GGUFHeader
        do {
            header = try GGUFHeader.parse(bytes)
        } catch {
            switch error {
            // Only a prefix that reached the bound is cut by it; a shorter file simply ends too early.
            case .truncated(let required) where required > maxHeaderBytes && bytes.count >= maxHeaderBytes:
                return .notFullyRead(path, "GGUF metadata is longer than the \(maxHeaderBytes)-byte limit; not read")
            case .truncated(let required):
                return .warning(
                    path, "GGUF metadata is truncated: it needs \(required) bytes, the file has \(bytes.count)")
            case .malformed(let reason):
                return .warning(path, "not a valid GGUF header: \(reason)")
            case .limit(let reason):
                return .notFullyRead(path, "GGUF metadata: \(reason); not read")
            }
        }
        return fragment(header: header, path: path)
    }

    static func fragment(header: GGUFHeader, path: String) -> InventoryFragment {
        let values = header.metadata
        func text(_ key: String) -> String? {
            guard let value = values[key]?.text, !value.isEmpty else { return nil }
            return value
        }
        let ownURL = text("general.repo_url") ?? text("general.url")
        let name =
            text("general.name") ?? text("general.basename") ?? FormatReaderSupport.stem(of: path)
        let ref =
            ownURL.flatMap(FormatReaderSupport.huggingFaceRef(url:)).flatMap { $0.kind == .model ? $0 : nil }
            ?? ComponentRef(kind: .model, name: name, version: text("general.version"))

        var properties = ["format": "gguf", "gguf_version": String(header.version)]
        properties["name"] = text("general.name")
        properties["architecture"] = text("general.architecture")
        properties["license"] = text("general.license") ?? text("general.license.name")
        properties["quantized_by"] = text("general.quantized_by")
        properties["size_label"] = text("general.size_label")
        properties["organization"] = text("general.organization")
        properties["finetune"] = text("general.finetune")
        properties["adapter_type"] = text("adapter.type")
        properties["version"] = text("general.version")
        properties["url"] = ownURL.map(FormatReaderSupport.redactedURL)
        if let fileType = values["general.file_type"]?.integer { properties["file_type"] = fileTypeName(fileType) }
        if case .array(let calibration) = values["imatrix.datasets"] {
            properties["imatrix_datasets"] = calibration.compactMap(\.text).joined(separator: ",")
        }

        let evidence = Evidence(source: path, status: .declared)
        var edges: [EdgeRecord] = []
        var linked: Set<String> = []  // "relation target": every entry is read, so repeats are found by hashing
        func add(_ target: ComponentRef, _ relation: Relation) {
            guard target.unversioned != ref.unversioned, linked.insert("\(relation.rawValue) \(target)").inserted
            else { return }
            edges.append(EdgeRecord(from: ref, to: target, relation: relation, evidence: evidence))
        }

        let source = (text("general.source.repo_url") ?? text("general.source.url")).flatMap(modelRef(url:))
        if let source { add(source, .quantizedFrom) }
        let isAdapter = text("adapter.type") != nil
        for entry in indexedEntries("general.base_model", in: values) {
            guard let parent = entryRef(entry, kind: .model) else { continue }
            let sameAsSource = source.map { $0.unversioned == parent.unversioned } ?? false
            let sameName = entry["name"].map { loosely($0) == loosely(name) } ?? false
            let relation: Relation =
                isAdapter ? .adapterOf : (sameAsSource || sameName ? .quantizedFrom : .fineTunedFrom)
            add(parent, relation)
        }
        for entry in indexedEntries("general.dataset", in: values) {
            if let dataset = entryRef(entry, kind: .dataset) { add(dataset, .trainedOn) }
        }
        if case .array(let listed) = values["general.datasets"] {
            for item in listed {
                guard let text = item.text, !text.isEmpty else { continue }
                add(FormatReaderSupport.reference(text) ?? ComponentRef(kind: .dataset, name: text), .trainedOn)
            }
        }
        let component = ComponentRecord(ref: ref, properties: properties, source: path)
        return InventoryFragment(components: [component], edges: edges)
    }

    /// `general.<prefix>.{i}.<field>` entries as field maps, in index order (every index: the metadata bound
    /// bounds them).
    private static func indexedEntries(_ prefix: String, in values: [String: GGUFValue]) -> [[String: String]] {
        var entries: [Int: [String: String]] = [:]
        let lead = prefix + "."
        for (key, value) in values where key.hasPrefix(lead) {
            let rest = key.dropFirst(lead.count).split(separator: ".", maxSplits: 1)
            guard rest.count == 2, let index = Int(rest[0]), index >= 0, let text = value.text
            else { continue }
            entries[index, default: [:]][String(rest[1])] = text
        }
        return entries.keys.sorted().compactMap { entries[$0] }
    }

    /// A parent named by `repo_url` / `url` (Hugging Face) or by `name` and `version`.
    private static func entryRef(_ entry: [String: String], kind: NodeKind) -> ComponentRef? {
        for key in ["repo_url", "url"] {
            if let url = entry[key], let hub = FormatReaderSupport.huggingFaceRef(url: url) {
                return ComponentRef(kind: kind, ecosystem: hub.ecosystem, name: hub.name)
            }
        }
        if let name = entry["name"], !name.isEmpty {
            return ComponentRef(kind: kind, name: name, version: entry["version"])
        }
        if let url = entry["repo_url"] ?? entry["url"], !url.isEmpty {
            return ComponentRef(kind: kind, name: FormatReaderSupport.redactedURL(url))
        }
        return nil
    }

    private static func modelRef(url: String) -> ComponentRef? {
        if let hub = FormatReaderSupport.huggingFaceRef(url: url) {
            return ComponentRef(kind: .model, ecosystem: hub.ecosystem, name: hub.name)
        }
        return ComponentRef(kind: .model, name: FormatReaderSupport.redactedURL(url))
    }

    /// Lowercased letters and digits only, so `Llama 3.1 8B` matches `llama-3.1-8b`.
    private static func loosely(_ text: String) -> String {
        String(text.lowercased().filter { $0.isLetter || $0.isNumber })
    }

    /// llama.cpp's `llama_ftype` names (`general.file_type`), without the `MOSTLY_` prefix.
    static func fileTypeName(_ value: UInt64) -> String {
        let names: [UInt64: String] = [
            0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K", 11: "Q3_K_S",
            12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S", 17: "Q5_K_M", 18: "Q6_K",
            19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS", 23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL",
            26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M", 30: "IQ4_XS", 31: "IQ1_M", 32: "BF16",
            36: "TQ1_0", 37: "TQ2_0",
        ]
        return names[value] ?? String(value)
    }
}
