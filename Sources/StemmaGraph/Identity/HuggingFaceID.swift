/// A Hugging Face Hub repository, read from any of the ways people and tools spell one.
///
/// One repository has many spellings: `org/name`, `model:org/name`, `pkg:huggingface/org/name`, `hf://org/name`,
/// `https://huggingface.co/org/name`, and the hub cache's folder name `models--org--name`; for datasets
/// `dataset:org/name`, `pkg:huggingface/datasets/org/name`, `hf://datasets/org/name`, `datasets--org--name`.
/// ``ComponentRef`` sends every model and dataset name through here, so they all become the same node.
public struct HuggingFaceID: Sendable, Hashable {
    /// `.model` or `.dataset`; nil when the spelling does not say (`org/name`, `hf://org/name`), so the caller's
    /// kind stands (a bare query takes the model, as the Hub does).
    public var kind: NodeKind?
    /// `org/name`, or `name` for the few legacy repositories without an owner (`gpt2`).
    public var id: String
    /// A revision the spelling carries (`hf://org/name@REV/file`), if any.
    public var revision: String?

    /// The longest owner or repository name the Hub accepts.
    static let maxPartLength = 96

    /// Reads a spelling that says it is Hugging Face: `hf://…`, a `huggingface.co` / `hf.co` URL, or a hub cache
    /// folder name. Plain `org/name` is not recognised here (see ``repoID(_:allowOwnerless:)``).
    /// - Returns: nil when the text is none of these or the id in it is not one the Hub would accept.
    public static func explicit(_ text: String) -> HuggingFaceID? {
        guard text.utf8.count <= 2048 else { return nil }
        if text.hasPrefix("hf://") { return path(text.dropFirst(5)) }
        if let rest = hubURLPath(text) { return path(rest) }
        return cacheFolder(text)
    }

    /// The path of a `huggingface.co` or `hf.co` URL (scheme optional, scheme and host in any case, `www.`
    /// allowed), without its query or fragment.
    private static func hubURLPath(_ text: String) -> Substring? {
        var rest = Substring(text)
        for scheme in ["https://", "http://"] where rest.prefix(scheme.utf8.count).lowercased() == scheme {
            rest = rest.dropFirst(scheme.utf8.count)
            break
        }
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let host = rest[..<slash].lowercased()
        guard ["huggingface.co", "www.huggingface.co", "hf.co"].contains(host) else { return nil }
        rest = rest[rest.index(after: slash)...]
        if let end = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        return rest
    }

    /// `models--org--name` or `datasets--org--name`: the hub cache's folder names. The Hub forbids `--` inside
    /// a name, so the double dash separates owner from name without ambiguity.
    public static func cacheFolder(_ text: String) -> HuggingFaceID? {
        for (prefix, kind) in [("models--", NodeKind.model), ("datasets--", NodeKind.dataset)]
        where text.hasPrefix(prefix) {
            let rest = text.dropFirst(prefix.count)
            let parts = rest.split(separator: "--", maxSplits: 1, omittingEmptySubsequences: false)
            let id = parts.count == 2 ? parts[0] + "/" + parts[1] : String(rest)
            guard let valid = repoID(Substring(id), allowOwnerless: true) else { return nil }
            return HuggingFaceID(kind: kind, id: valid, revision: nil)
        }
        return nil
    }

    /// The path after `hf://` or the Hub's host: `[datasets/|models/]org/name[@REV][/more…]`. Spaces, docs and
    /// other pages of the site are not repositories Stemma tracks.
    private static func path(_ text: Substring) -> HuggingFaceID? {
        var segments = text.split(separator: "/", omittingEmptySubsequences: true)
        var kind: NodeKind?  // a path without `datasets/` or `models/` leaves the kind to the caller
        if let first = segments.first, first == "datasets" || first == "models" {
            kind = first == "datasets" ? .dataset : .model
            segments.removeFirst()
        } else if let first = segments.first,
            ["spaces", "docs", "blog", "api", "papers", "collections", "organizations"].contains(first)
        {
            return nil
        }
        guard segments.count >= 2 else { return nil }
        var name = segments[1]
        var revision: String?
        if let at = name.firstIndex(of: "@") {
            revision = String(name[name.index(after: at)...])
            name = name[..<at]
        }
        // `…/org/name/tree/REV/…` and `…/resolve/REV/…` in URLs name a revision too.
        if revision == nil, segments.count >= 4,
            segments[2] == "tree" || segments[2] == "resolve" || segments[2] == "blob"
        {
            revision = String(segments[3])
        }
        guard let id = repoID(segments[0] + "/" + name, allowOwnerless: false) else { return nil }
        return HuggingFaceID(kind: kind, id: id, revision: revision.flatMap { $0.isEmpty ? nil : $0 })
    }

    /// `org/name` (or `name` when `allowOwnerless`) if it is shaped as the Hub requires: each part 1 to 96
    /// characters of letters, digits, `-`, `_`, `.`, not starting or ending with `-` or `.`, without `--` or `..`.
    public static func repoID(_ text: Substring, allowOwnerless: Bool) -> String? {
        // Bytes, not `Character`s: this runs for every model and dataset name of a 50,000-model fleet, and the
        // `String.contains` it used was 5 % of reading one. Ids are ASCII, so a non-ASCII byte fails either way.
        let bytes = text.utf8
        var slashes = 0
        for byte in bytes where byte == UInt8(ascii: "/") { slashes += 1 }
        guard slashes == 1 || (allowOwnerless && slashes == 0) else { return nil }
        for part in bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            guard isValidPart(part) else { return nil }
        }
        return String(text)
    }

    /// 1 to 96 name bytes, not starting or ending with `-` or `.`, without `--` or `..`.
    private static func isValidPart(_ part: Substring.UTF8View.SubSequence) -> Bool {
        guard let first = part.first, let last = part.last, part.count <= maxPartLength,
            first != UInt8(ascii: "-"), first != UInt8(ascii: "."), last != UInt8(ascii: "-"), last != UInt8(ascii: ".")
        else { return false }
        var previous: UInt8 = 0
        for byte in part {
            guard isNameByte(byte) else { return false }
            if byte == previous && (byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")) { return false }
            previous = byte
        }
        return true
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default: return false
        }
    }

    /// The form names are compared in: the Hub resolves `Meta-Llama/llama-3.1-8b` to `meta-llama/Llama-3.1-8B`,
    /// so case does not tell two repositories apart. Ids are ASCII, so ASCII folding is exact.
    static func folded(_ id: String) -> String {
        guard id.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return id }
        return String(decoding: id.utf8.map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }, as: UTF8.self)
    }
}
