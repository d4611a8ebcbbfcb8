import StemmaCore
import StemmaGraph

/// Turns the names cards and manifests use into graph identities.
enum RefText {
    /// A Hugging Face model id as cards write it (`org/name`, `name`, `hf://org/name`, a `huggingface.co` URL,
    /// `models--org--name`, `model:org/name`, `pkg:huggingface/org/name`) as a name-level ref.
    static func huggingFaceModel(_ text: String) -> ComponentRef? {
        huggingFace(text, kind: .model)
    }

    /// A Hugging Face dataset id (`org/name`, `hf://datasets/org/name`, a `huggingface.co/datasets/` URL,
    /// `datasets--org--name`, `dataset:org/name`, `pkg:huggingface/datasets/org/name`).
    static func huggingFaceDataset(_ text: String) -> ComponentRef? {
        huggingFace(text, kind: .dataset)
    }

    private static func huggingFace(_ text: String, kind: NodeKind) -> ComponentRef? {
        var id = text.trimmedWhitespace
        guard id.utf8.count <= 2048 else { return nil }
        if id.hasPrefix("pkg:") || id.hasPrefix("model:") || id.hasPrefix("dataset:") {
            guard let ref = ComponentRef(parsing: id), ref.ecosystem == "huggingface", ref.kind == kind else {
                return nil
            }
            return ref.unversioned
        }
        if let hub = HuggingFaceID.explicit(id) {
            // A card's `datasets:` may give a URL without `datasets/` in its path: the field says what it is.
            guard hub.kind == nil || hub.kind == kind else { return nil }
            return ComponentRef(kind: kind, ecosystem: "huggingface", name: hub.id)
        }
        while id.hasSuffix("/") { id.removeLast() }
        guard let valid = HuggingFaceID.repoID(Substring(id), allowOwnerless: true) else { return nil }
        return ComponentRef(kind: kind, ecosystem: "huggingface", name: valid)
    }

    /// A reference written in a manifest: a purl, `KIND:NAME[@VERSION]`, `sha256:HEX`, or a bare name of `kind`.
    static func parse(_ text: String, defaultKind: NodeKind) -> ComponentRef? {
        ComponentRef(parsing: text, defaultKind: defaultKind)
    }
}
