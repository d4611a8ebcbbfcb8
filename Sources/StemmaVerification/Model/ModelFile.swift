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
    /// The device and inode when enumerated (nil for archive members), so a file replaced since is noticed.
    var node: FileNode? = nil
    /// The change time when enumerated (nil for archive members).
    var changeTime: Int64? = nil

    var hashTarget: HashTarget {
        HashTarget(
            name: name, path: path, size: size, modificationTime: modificationTime, followsLink: followsLink,
            node: node, changeTime: changeTime)
    }
}

/// Model-relative paths that are never hashed: git metadata at the root, the signature file, and what the
/// signer or user listed. A path is ignored when it equals an entry or lies below it, by whole components.
struct IgnoreRules: Sendable {
    /// `model_signing`'s defaults, which apply only at the model root.
    static let gitDefaults = [".git", ".gitattributes", ".github", ".gitignore"]

    private(set) var paths: [String]

    init(_ paths: [String]) { self.paths = Array(Set(paths)).sorted() }

    func isIgnored(_ name: String) -> Bool {
        paths.contains { name == $0 || name.hasPrefix($0 + "/") }
    }
}
