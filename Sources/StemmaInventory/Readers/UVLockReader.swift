import StemmaCore
public import StemmaGraph

/// uv's `uv.lock` lockfiles (`version = 1`, any `revision`).
///
/// Each `[[package]]` becomes a package pinned at its `version`, with the SHA-256 digests of its `sdist` and
/// `wheels` as artifacts and its `source` (registry URL, `git+URL`, direct URL or path) as a property.
/// `dependencies` and `optional-dependencies` give package-to-package edges, resolved to the locked version (uv
/// names the version itself when a name is locked at several). Packages whose source is `editable`, `directory`
/// or `virtual` are the project and its workspace members: they are left out, and so are edges to them.
public enum UVLockReader: InventoryReader {
    /// `uv-lock`.
    public static let formatName = "uv-lock"

    /// A top-level integer `version`, `[[package]]` tables and a `source =` key.
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        ByteSearch.contains(head, "source") && ByteSearch.contains(head, "version")
            && LockfileHead(head).isUVLock
    }

    /// Reads the packages; a TOML error gives one warning and nothing else.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let document: TOMLTable
        do {
            document = try TOMLParser.parse(bytes, source: path)
        } catch {
            return .refused(path, error)
        }
        guard let version = document["version"]?.integerValue else {
            return .warning(path, "has no integer version, so it is not a uv.lock file")
        }
        var lock = LockfileFragment(path: path)
        if version != 1 { lock.warn("has lock version \(version); read as version 1") }
        for (position, entry) in (document["package"]?.arrayValue ?? []).enumerated() {
            guard let table = entry.tableValue, let name = table["name"]?.stringValue, !name.isEmpty else {
                lock.warn("package \(position + 1) has no name; skipped")
                continue
            }
            let source = table["source"]?.tableValue ?? TOMLTable()
            if source["editable"] != nil || source["directory"] != nil || source["virtual"] != nil {
                lock.addLocal(name: name)
                continue
            }
            let package = lockedPackage(name: name, table: table, source: source, lock: &lock)
            lock.add(package)
        }
        return lock.fragment
    }

    private static func lockedPackage(
        name: String, table: TOMLTable, source: TOMLTable, lock: inout LockfileFragment
    ) -> LockfilePackage {
        let owner = "package '\(name)'"
        var package = LockfilePackage(name: name, version: table["version"]?.stringValue)
        if let registry = source["registry"]?.stringValue {
            package.properties["source"] = registry
        } else if let git = source["git"]?.stringValue {
            package.properties["source"] = "git+" + git
        } else if let url = source["url"]?.stringValue ?? source["path"]?.stringValue {
            package.properties["source"] = url
        }
        if package.version == nil { lock.warn("\(owner) has no version; recorded by name only") }
        var files = table["wheels"]?.arrayValue ?? []
        if let sdist = table["sdist"] { files.append(sdist) }
        for file in files {
            guard let hash = file["hash"]?.stringValue else { continue }
            if let digest = lock.sha256(prefixed: hash, owner: owner) { package.addArtifact(digest) }
        }
        if !files.isEmpty && package.artifacts.isEmpty { lock.warn("\(owner) has files but no SHA-256 digest") }
        package.dependencies = LockfileDependency.list(table["dependencies"])
        for (_, extra) in table["optional-dependencies"]?.tableValue?.entries ?? [] {
            package.dependencies += LockfileDependency.list(extra)
        }
        return package
    }
}
