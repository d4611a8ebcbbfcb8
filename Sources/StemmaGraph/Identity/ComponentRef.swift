import StemmaCore

/// The identity of a graph node: a kind, an ecosystem where one applies, a name and an optional version.
///
/// Names are normalised where the ecosystem says so (PyPI names per PEP 503, npm lowercase) and kept as written
/// elsewhere. Hugging Face ids keep their spelling but compare without case, as the Hub resolves them. A ref
/// without a version names every version.
public struct ComponentRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: NodeKind
    /// `pypi`, `npm`, `huggingface`, `oci`, … or nil for Stemma-local names.
    public let ecosystem: String?
    public let name: String
    public let version: String?

    /// The name as identity compares it: case-folded for Hugging Face, whose Hub resolves names regardless of
    /// case; the same as ``name`` everywhere else. Two refs that differ only in the case of a Hugging Face name are
    /// equal, and the graph keeps the spelling of the first document that declared the repository.
    let matchName: String
    /// The hash of the fields identity compares, computed once where the ref is made (on the reading cores), so
    /// the single-threaded graph build and the query hash one integer per look-up instead of three strings.
    private let identityHash: Int

    /// Creates a ref through the canonicaliser (`docs/component-manifest.md`, "Identity"): every reader and the
    /// query build refs here, so every spelling of one component gives one identity.
    ///
    /// - A model or dataset without an ecosystem whose name is a Hugging Face id (`org/name`), a hub cache folder
    ///   (`models--org--name`), `hf://…` or a `huggingface.co` URL is that Hugging Face repository.
    /// - The `huggingface` ecosystem names a model, or a dataset when the name starts with `datasets/`.
    /// - Names and versions follow their purl type's rules (PyPI per PEP 503, npm and OCI lowercase, …).
    public init(kind: NodeKind, ecosystem: String? = nil, name: String, version: String? = nil) {
        var kind = kind
        let lowered = ecosystem?.lowercased()
        var ecosystem = (lowered?.isEmpty ?? true) ? nil : lowered.map(PurlNormalization.type)
        var name = name.trimmedWhitespace
        var version = version?.trimmedWhitespace
        if version?.isEmpty ?? false { version = nil }
        if ecosystem == "huggingface" {
            if name.hasPrefix("datasets/") {
                kind = .dataset
                name.removeFirst(9)
            } else if name.hasPrefix("models/") {
                name.removeFirst(7)
            }
            if kind == .package { kind = .model }
        } else if ecosystem == nil, kind == .model || kind == .dataset, let hub = Self.huggingFace(name) {
            ecosystem = "huggingface"
            kind = hub.kind ?? kind
            name = hub.id
            if version == nil { version = hub.revision }
        }
        self.kind = kind
        self.ecosystem = ecosystem
        self.name = Self.normalize(name: name, ecosystem: ecosystem)
        self.version = version.map { PurlNormalization.version($0, type: ecosystem) }
        self.matchName = ecosystem == "huggingface" ? HuggingFaceID.folded(self.name) : self.name
        identityHash = Self.identityHash(kind, self.ecosystem, matchName, self.version)
    }

    /// A model or dataset name that is a Hugging Face repository: an explicit spelling, or `org/name`.
    private static func huggingFace(_ name: String) -> HuggingFaceID? {
        if let explicit = HuggingFaceID.explicit(name) { return explicit }
        guard name.utf8.contains(UInt8(ascii: "/")),
            let id = HuggingFaceID.repoID(Substring(name), allowOwnerless: false)
        else { return nil }
        return HuggingFaceID(kind: nil, id: id, revision: nil)
    }

    public static func == (lhs: ComponentRef, rhs: ComponentRef) -> Bool {
        lhs.kind == rhs.kind && lhs.matchName == rhs.matchName && lhs.ecosystem == rhs.ecosystem
            && lhs.version == rhs.version
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(identityHash) }

    private static func identityHash(_ kind: NodeKind, _ ecosystem: String?, _ matchName: String, _ version: String?)
        -> Int
    {
        var hasher = Hasher()
        hasher.combine(kind)
        hasher.combine(ecosystem)
        hasher.combine(matchName)
        hasher.combine(version)
        return hasher.finalize()
    }

    /// An artifact: the bytes with this SHA-256 (lowercase hex).
    public static func artifact(sha256 hex: String) -> ComponentRef {
        ComponentRef(kind: .artifact, name: hex.lowercased())
    }

    /// PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`.
    public static func pep503(_ name: String) -> String {
        if isPEP503Normal(name) { return name }
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            // ASCII (nearly every name): the same rule on bytes, without `Character`s.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(name.utf8.count)
            for byte in name.utf8 {
                if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") {
                    if bytes.last != UInt8(ascii: "-") { bytes.append(UInt8(ascii: "-")) }
                } else {
                    bytes.append(byte >= 65 && byte <= 90 ? byte + 32 : byte)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        var output = ""
        var lastWasSeparator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !lastWasSeparator { output.append("-") }
                lastWasSeparator = true
            } else {
                output.append(character)
                lastWasSeparator = false
            }
        }
        return output
    }

    /// Whether `name` is already lowercase ASCII with single `-` separators (the common case, no allocation).
    private static func isPEP503Normal(_ name: String) -> Bool {
        var previousDash = false
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): previousDash = false
            case UInt8(ascii: "-"):
                if previousDash { return false }
                previousDash = true
            default: return false
            }
        }
        return true
    }

    static func normalize(name: String, ecosystem: String?) -> String {
        PurlNormalization.name(name.trimmedWhitespace, type: ecosystem)
    }

    /// The same component without a version: the name-level node.
    public var unversioned: ComponentRef {
        // The fields are canonical already: copied, not sent through the canonicaliser again (once per versioned
        // node when the graph links name-level nodes to their versions).
        ComponentRef(canonicalKind: kind, ecosystem: ecosystem, name: name, matchName: matchName)
    }

    private init(canonicalKind kind: NodeKind, ecosystem: String?, name: String, matchName: String) {
        self.kind = kind
        self.ecosystem = ecosystem
        self.name = name
        self.version = nil
        self.matchName = matchName
        identityHash = Self.identityHash(kind, ecosystem, matchName, nil)
    }

    /// The canonical text: a purl where the ecosystem has one (`pkg:pypi/torch@2.5.1`,
    /// `pkg:huggingface/meta-llama/Llama-3.1-8B`), `sha256:HEX` for artifacts, otherwise `KIND:NAME[@VERSION]`.
    public var description: String {
        let suffix = version.map { "@" + $0 } ?? ""
        if kind == .artifact { return "sha256:" + name }
        if let ecosystem {
            if ecosystem == "huggingface" {
                if kind == .dataset { return "pkg:huggingface/datasets/\(name)\(suffix)" }
                if kind == .model { return "pkg:huggingface/\(name)\(suffix)" }
            } else if kind == .package {
                return "pkg:\(ecosystem)/\(name)\(suffix)"
            }
            // Another kind with a package's coordinates (an MCP server that runs `npx pkg`): `tool:pkg:npm/pkg`.
            let purl = ecosystem == "huggingface" ? "pkg:huggingface/\(name)" : "pkg:\(ecosystem)/\(name)"
            return "\(kind.rawValue):\(purl)\(suffix)"
        }
        return "\(kind.rawValue):\(name)\(suffix)"
    }

    public static func < (lhs: ComponentRef, rhs: ComponentRef) -> Bool { lhs.description < rhs.description }
}
