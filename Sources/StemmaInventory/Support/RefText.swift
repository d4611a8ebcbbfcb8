import StemmaCore
import StemmaGraph

/// Turns the names cards and manifests use into graph identities.
enum RefText {
    /// A Hugging Face model id (`org/name`, `name`, or a `https://huggingface.co/org/name` URL) as a name-level ref.
    static func huggingFaceModel(_ text: String) -> ComponentRef? {
        guard let id = huggingFaceID(text, prefix: "") else { return nil }
        return ComponentRef(kind: .model, ecosystem: "huggingface", name: id)
    }

    /// A Hugging Face dataset id (`org/name`, or a `https://huggingface.co/datasets/org/name` URL).
    static func huggingFaceDataset(_ text: String) -> ComponentRef? {
        guard let id = huggingFaceID(text, prefix: "datasets/") else { return nil }
        return ComponentRef(kind: .dataset, ecosystem: "huggingface", name: id)
    }

    private static func huggingFaceID(_ text: String, prefix: String) -> String? {
        var id = text.trimmedWhitespace
        if id.hasPrefix("pkg:") { return nil }
        for host in ["https://huggingface.co/", "http://huggingface.co/", "hf.co/", "https://hf.co/"]
        where id.hasPrefix(host) {
            id = String(id.dropFirst(host.count))
            if !prefix.isEmpty, id.hasPrefix(prefix) { id = String(id.dropFirst(prefix.count)) }
        }
        while id.hasSuffix("/") { id.removeLast() }
        let parts = id.split(separator: "/", omittingEmptySubsequences: false)
        guard !id.isEmpty, id.utf8.count <= 256, parts.count <= 2,
            parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
            !id.contains(where: { $0.isWhitespace })
        else { return nil }
        return id
    }

    /// A reference written in a manifest: a purl, `KIND:NAME[@VERSION]`, `sha256:HEX`, or a bare name of `kind`.
    static func parse(_ text: String, defaultKind: NodeKind) -> ComponentRef? {
        ComponentRef(parsing: text, defaultKind: defaultKind)
    }
}
