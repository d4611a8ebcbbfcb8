import StemmaCore
public import StemmaGraph

/// PEP 751 `pylock.toml` lockfiles.
///
/// Each `[[packages]]` entry becomes a package pinned at its `version`, with the SHA-256 digests of its wheels,
/// sdist or archive as artifacts, `index` (or the VCS or archive URL) as its `source` property, its `marker`,
/// and its attestation identities. `dependencies` give package-to-package edges. `directory` packages are the
/// project itself and are left out. A lock-version whose major version is not 1 is refused, as the PEP requires.
public enum PyLockReader: InventoryReader {
    /// `pylock`.
    public static let formatName = "pylock"

    /// A top-level `lock-version` key and `[[packages]]` tables (Poetry's `lock-version` sits under `[metadata]`).
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        ByteSearch.contains(head, "lock-version") && LockfileHead(head).isPyLock
    }

    /// Reads the packages; a TOML error or an unknown major lock-version gives one warning and nothing else.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let document: TOMLTable
        do {
            document = try TOMLParser.parse(bytes, source: path)
        } catch {
            return .refused(path, error)
        }
        guard let lockVersion = document["lock-version"]?.stringValue else {
            return .warning(path, "has no lock-version string, so it is not a pylock.toml file")
        }
        guard lockVersion == "1" || lockVersion.hasPrefix("1.") else {
            return .warning(path, "has lock-version \(lockVersion); only 1.x is understood, so it is not read")
        }
        var lock = LockfileFragment(path: path)
        guard let entries = document["packages"]?.arrayValue else {
            lock.warn("has no packages")
            return lock.fragment
        }
        for (position, entry) in entries.enumerated() {
            guard let table = entry.tableValue, let name = table["name"]?.stringValue, !name.isEmpty else {
                lock.warn("package \(position + 1) has no name; skipped")
                continue
            }
            if table["directory"] != nil {
                lock.addLocal(name: name)
                continue
            }
            let package = lockedPackage(name: name, table: table, lock: &lock)
            lock.add(package)
        }
        return lock.fragment
    }

    private static func lockedPackage(name: String, table: TOMLTable, lock: inout LockfileFragment) -> LockfilePackage {
        let owner = "package '\(name)'"
        var package = LockfilePackage(name: name, version: table["version"]?.stringValue)
        if let index = table["index"]?.stringValue {
            package.properties["source"] = index
        } else if let vcs = table["vcs"] {
            let url = vcs["url"]?.stringValue ?? vcs["path"]?.stringValue ?? ""
            let commit = vcs["commit-id"]?.stringValue.map { "@" + $0 } ?? ""
            package.properties["source"] = "\(vcs["type"]?.stringValue ?? "vcs")+\(url)\(commit)"
        } else if let archive = table["archive"] {
            package.properties["source"] = archive["url"]?.stringValue ?? archive["path"]?.stringValue
        }
        if let marker = table["marker"]?.stringValue { package.properties["marker"] = marker }
        let identities = (table["attestation-identities"]?.arrayValue ?? []).compactMap { identity -> String? in
            guard let kind = identity["kind"]?.stringValue else { return nil }
            let repository = identity["repository"]?.stringValue.map { " " + $0 } ?? ""
            let workflow = identity["workflow"]?.stringValue.map { " (\($0))" } ?? ""
            return kind + repository + workflow
        }
        if !identities.isEmpty { package.properties["attestation-identities"] = identities.joined(separator: ", ") }

        var files = table["wheels"]?.arrayValue ?? []
        if let sdist = table["sdist"] { files.append(sdist) }
        if let archive = table["archive"] { files.append(archive) }
        for file in files {
            guard let hex = file["hashes"]?["sha256"]?.stringValue else { continue }
            if let digest = lock.sha256(hex: hex, owner: owner) { package.addArtifact(digest) }
        }
        if package.version == nil && table["vcs"] == nil && table["archive"] == nil {
            lock.warn("\(owner) has no version; recorded by name only")
        }
        if !files.isEmpty && package.artifacts.isEmpty { lock.warn("\(owner) has files but no SHA-256 digest") }
        package.dependencies = LockfileDependency.list(table["dependencies"])
        return package
    }
}
