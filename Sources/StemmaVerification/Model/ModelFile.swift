import StemmaCore
import StemmaFormats

/// A regular file of a model, as enumerated.
struct ModelFile: Sendable {
    /// The model-relative path (`weights/a.bin`).
    var name: String
    /// The path to open.
    var path: String
    /// Size in bytes when enumerated.
    var size: UInt64
    /// Modification time in nanoseconds when enumerated.
    var modificationTime: Int64
    /// True when this is a symbolic link that the signature allows, hashed through the link.
    var followsLink: Bool

    var hashTarget: HashTarget {
        HashTarget(name: name, path: path, size: size, modificationTime: modificationTime, followsLink: followsLink)
    }
}

/// Model-relative paths that are never hashed: git metadata at the root, the signature file, and what the
/// signer or user listed. A path is ignored when it equals an entry or lies below it, by whole components.
struct IgnoreRules: Sendable {
    /// `model_signing`'s defaults, which apply only at the model root.
    static let gitDefaults = [".git", ".gitattributes", ".github", ".gitignore"]

    /// Distinct by bytes and in code-point order (a `Set<String>` would merge NFC and NFD spellings).
    private(set) var paths: [String]
    private let lookup: Set<ExactName>

    init(_ paths: [String]) {
        lookup = Set(paths.map(ExactName.init))
        var seen = Set<ExactName>()
        self.paths = paths.filter { seen.insert(ExactName($0)).inserted }.sorted(by: ModelPath.precedes)
    }

    /// Whether `name` or one of its parent folders is an entry: one set lookup per component, so a signature with
    /// many ignore paths costs nothing per file (a scan of every entry would be files × entries).
    func isIgnored(_ name: String) -> Bool {
        if lookup.isEmpty { return false }
        var index = name.utf8.startIndex
        while let slash = name.utf8[index...].firstIndex(of: UInt8(ascii: "/")) {
            if lookup.contains(ExactName(String(Substring(name.utf8[..<slash])))) { return true }
            index = name.utf8.index(after: slash)
        }
        return lookup.contains(ExactName(name))
    }
}
