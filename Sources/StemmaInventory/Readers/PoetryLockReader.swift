import StemmaCore
public import StemmaGraph

/// Poetry's `poetry.lock` lockfiles (lock-version 1.x and 2.x).
///
/// Each `[[package]]` becomes a package pinned at its `version`, with the SHA-256 digests of its `files` (or, in
/// lock-version 1.x, of `[metadata.files]` under its name) as artifacts and `[package.source]` as its `source`
/// property. `[package.dependencies]` are constraints, not pins: each becomes an edge to the version locked under
/// that name, an optional one only when it is locked, any other to the name. `[metadata] content-hash` hashes
/// `pyproject.toml`, not a package file, so it is not an artifact. `directory` sources are the project itself.
public enum PoetryLockReader: InventoryReader {
    /// `poetry-lock`.
    public static let formatName = "poetry-lock"

    /// `[[package]]` tables with no top-level keys before them, and `python-versions =` in them.
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        ByteSearch.contains(head, "python-versions") && LockfileHead(head).isPoetryLock
    }

    /// Reads the packages; a TOML error gives one warning and nothing else.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let document: TOMLTable
        do {
            document = try TOMLParser.parse(bytes, source: path)
        } catch {
            return .refused(path, error)
        }
        var lock = LockfileFragment(path: path)
        var legacyFiles: [String: TOMLValue] = [:]
        for (name, files) in document["metadata"]?["files"]?.tableValue?.entries ?? [] {
            legacyFiles[ComponentRef.pep503(name)] = files
        }
        for (position, entry) in (document["package"]?.arrayValue ?? []).enumerated() {
            guard let table = entry.tableValue, let name = table["name"]?.stringValue, !name.isEmpty else {
                lock.warn("package \(position + 1) has no name; skipped")
                continue
            }
            if table["source"]?["type"]?.stringValue == "directory" {
                lock.addLocal(name: name)
                continue
            }
            let files = table["files"] ?? legacyFiles[ComponentRef.pep503(name)]
            let package = lockedPackage(name: name, table: table, files: files, lock: &lock)
            lock.add(package)
        }
        return lock.fragment
    }

    private static func lockedPackage(
        name: String, table: TOMLTable, files: TOMLValue?, lock: inout LockfileFragment
    ) -> LockfilePackage {
        let owner = "package '\(name)'"
        var package = LockfilePackage(name: name, version: table["version"]?.stringValue)
        if package.version == nil { lock.warn("\(owner) has no version; recorded by name only") }
        if let source = table["source"], let url = source["url"]?.stringValue {
            let type = source["type"]?.stringValue ?? ""
            let revision = source["resolved_reference"]?.stringValue.map { "@" + $0 } ?? ""
            package.properties["source"] = type == "git" ? "git+\(url)\(revision)" : url
        }
        let entries = files?.arrayValue ?? []
        for file in entries {
            guard let hash = file["hash"]?.stringValue else { continue }
            if let digest = lock.sha256(prefixed: hash, owner: owner) { package.addArtifact(digest) }
        }
        if !entries.isEmpty && package.artifacts.isEmpty { lock.warn("\(owner) has files but no SHA-256 digest") }
        for (dependency, constraint) in table["dependencies"]?.tableValue?.entries ?? [] {
            let constraints = constraint.arrayValue ?? [constraint]
            let isOptional = constraints.allSatisfy { $0["optional"]?.booleanValue == true }
            package.dependencies.append(LockfileDependency(name: dependency, isOptional: isOptional))
        }
        return package
    }
}
