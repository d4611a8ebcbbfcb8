/// The links an archive has created so far, as a tree of path components, so that a later member written through
/// one (`a` → `/etc`, then `a/passwd`; `.git` → `weights`, then `.git/model.bin`) is found in time linear in the
/// length of its name, however many members there are.
struct ArchiveLinkTree {
    private struct Key: Hashable {
        var parent: Int
        var name: Substring
    }

    private var children: [Key: Int] = [:]
    /// Node 0 is the archive root.
    private var isLink: [Bool] = [false]

    /// Records the normalised `path` as a symbolic or hard link.
    mutating func addLink(_ path: String) {
        var node = 0
        for component in path.split(separator: "/") {
            let key = Key(parent: node, name: component)
            if let child = children[key] {
                node = child
            } else {
                isLink.append(false)
                node = isLink.count - 1
                children[key] = node
            }
        }
        isLink[node] = true
    }

    /// The link an extractor would write `path` through: a proper prefix of it recorded as a link, or nil.
    func linkAbove(_ path: String) -> String? {
        var node = 0
        let parts = path.split(separator: "/")
        for (index, component) in parts.dropLast().enumerated() {
            guard let child = children[Key(parent: node, name: component)] else { return nil }
            if isLink[child] { return parts[0...index].joined(separator: "/") }
            node = child
        }
        return nil
    }
}
