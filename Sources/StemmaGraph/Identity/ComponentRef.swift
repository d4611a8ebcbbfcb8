import StemmaCore

/// The identity of a graph node: a kind, an ecosystem where one applies, a name and an optional version.
///
/// Names are normalised where the ecosystem says so (PyPI names per PEP 503, npm lowercase) and kept as written
/// elsewhere (Hugging Face ids are case-sensitive). A ref without a version names every version.
public struct ComponentRef: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let kind: NodeKind
    /// `pypi`, `npm`, `huggingface`, `oci`, … or nil for Stemma-local names.
    public let ecosystem: String?
    public let name: String
    public let version: String?

    /// Creates a ref, normalising the name for its ecosystem.
    public init(kind: NodeKind, ecosystem: String? = nil, name: String, version: String? = nil) {
        let lowered = ecosystem?.lowercased()
        self.kind = kind
        self.ecosystem = (lowered?.isEmpty ?? true) ? nil : lowered
        self.name = Self.normalize(name: name, ecosystem: self.ecosystem)
        let trimmed = version?.trimmedWhitespace
        self.version = (trimmed?.isEmpty ?? true) ? nil : trimmed
    }

    /// An artifact: the bytes with this SHA-256 (lowercase hex).
    public static func artifact(sha256 hex: String) -> ComponentRef {
        ComponentRef(kind: .artifact, name: hex.lowercased())
    }

    /// PEP 503: lowercase, runs of `-`, `_`, `.` become one `-`.
    public static func pep503(_ name: String) -> String {
        if isPEP503Normal(name) { return name }
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
        let trimmed = name.trimmedWhitespace
        switch ecosystem {
        case "pypi": return pep503(trimmed)
        case "npm", "oci", "docker": return trimmed.lowercased()
        default: return trimmed
        }
    }

    /// The same component without a version: the name-level node.
    public var unversioned: ComponentRef { ComponentRef(kind: kind, ecosystem: ecosystem, name: name) }

    /// The canonical text: a purl where the ecosystem has one (`pkg:pypi/torch@2.5.1`,
    /// `pkg:huggingface/meta-llama/Llama-3.1-8B`), `sha256:HEX` for artifacts, otherwise `KIND:NAME[@VERSION]`.
    public var description: String {
        let suffix = version.map { "@" + $0 } ?? ""
        if kind == .artifact { return "sha256:" + name }
        if let ecosystem {
            if ecosystem == "huggingface" && kind == .dataset { return "pkg:huggingface/datasets/\(name)\(suffix)" }
            return "pkg:\(ecosystem)/\(name)\(suffix)"
        }
        return "\(kind.rawValue):\(name)\(suffix)"
    }

    public static func < (lhs: ComponentRef, rhs: ComponentRef) -> Bool { lhs.description < rhs.description }
}
