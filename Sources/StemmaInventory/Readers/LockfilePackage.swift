import StemmaCore
import StemmaGraph

/// One package as a lockfile pins it, before it becomes graph records.
struct LockfilePackage {
    /// The name as written (normalised per PEP 503 when it becomes a ref).
    var name: String
    /// The pinned version; nil when the lockfile does not pin one (a name-level ref then).
    var version: String?
    /// Kept for reports: `source` (index URL, VCS URL, archive URL or path), `marker`, …
    var properties: [String: String] = [:]
    /// SHA-256 digests (lowercase hex) of its wheels and sdists, without repeats.
    private(set) var artifacts: [String] = []
    private var artifactSet: Set<String> = []
    /// What it depends on, by name, with a version when the lockfile says which of several.
    var dependencies: [LockfileDependency] = []

    init(name: String, version: String?) {
        self.name = name
        self.version = version
    }

    var ref: ComponentRef { ComponentRef(kind: .package, ecosystem: "pypi", name: name, version: version) }

    /// Adds a digest once, lowercased.
    mutating func addArtifact(_ hex: String) {
        let lowered = hex.lowercased()
        if artifactSet.insert(lowered).inserted { artifacts.append(lowered) }
    }
}

/// A dependency between two locked packages.
struct LockfileDependency: Hashable {
    var name: String
    var version: String?
    /// Only an edge when the lockfile holds the package (Poetry's `optional = true`: needed only for an extra).
    var isOptional = false
}

/// Turns the packages of one lockfile into a fragment, and the small checks every lockfile reader shares.
struct LockfileFragment {
    /// More warnings than this from one file are dropped; the first ones say enough.
    static let maxWarnings = 100
    /// A dependency on a name locked at more versions than this points at the name instead of at each version,
    /// so a hostile lockfile cannot multiply edges (uv forks lock a name at two or three versions).
    static let maxVersionsPerDependency = 8

    let path: String
    private(set) var packages: [LockfilePackage] = []
    private(set) var warnings: [InventoryWarning] = []
    /// PEP 503 names of packages that are the project itself (editable, directory, virtual): no edges to them.
    private(set) var localNames: Set<String> = []

    init(path: String) {
        self.path = path
    }

    /// Records a warning (up to ``maxWarnings``).
    mutating func warn(_ message: String) {
        if warnings.count < Self.maxWarnings { warnings.append(InventoryWarning(source: path, message: message)) }
    }

    /// Adds a package. Every package is kept: the document's size bound (``InventoryLimits/maxDocumentBytes``)
    /// bounds them, and a package dropped past a count would be a dependency no query finds.
    mutating func add(_ package: LockfilePackage) {
        packages.append(package)
    }

    /// Marks a package name as the project itself, so it is neither a component nor a dependency target.
    mutating func addLocal(name: String) {
        localNames.insert(ComponentRef.pep503(name))
    }

    /// The SHA-256 hex of `sha256:HEX` (either case), lowercased; nil for other algorithms (silently) and for a
    /// malformed digest (with a warning naming `owner`).
    mutating func sha256(prefixed value: String, owner: String) -> String? {
        guard let colon = value.firstIndex(of: ":") else {
            warn("\(owner): hash '\(value)' has no algorithm prefix")
            return nil
        }
        guard value[..<colon].lowercased() == "sha256" else { return nil }
        return sha256(hex: String(value[value.index(after: colon)...]), owner: owner)
    }

    /// `hex` lowercased when it is 64 hex digits; otherwise a warning naming `owner` and nil.
    mutating func sha256(hex: String, owner: String) -> String? {
        guard Self.isSHA256(hex) else {
            warn("\(owner): '\(hex.prefix(80))' is not a SHA-256 digest")
            return nil
        }
        return hex.lowercased()
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64
            && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || (($0 | 0x20) >= 0x61 && ($0 | 0x20) <= 0x66) }
    }

    /// The fragment: one component per package (repeats merged), an edge from the folder's agent to each, and
    /// package-to-package edges resolved to the locked versions of each dependency's name.
    var fragment: InventoryFragment {
        var result = InventoryFragment(warnings: warnings)
        let evidence = Evidence(source: path, status: .declared)
        var order: [ComponentRef] = []
        var byRef: [ComponentRef: LockfilePackage] = [:]
        for package in packages where !localNames.contains(ComponentRef.pep503(package.name)) {
            let ref = package.ref
            if var existing = byRef[ref] {
                for artifact in package.artifacts { existing.addArtifact(artifact) }
                existing.dependencies += package.dependencies
                existing.properties.merge(package.properties) { first, _ in first }
                byRef[ref] = existing
            } else {
                order.append(ref)
                byRef[ref] = package
            }
        }
        var versions: [String: [ComponentRef]] = [:]
        for ref in order { versions[ref.name, default: []].append(ref) }
        let agent = EdgeOrigin.agentOfFolder(FileSystemPath.folder(of: path))
        for ref in order {
            let package = byRef[ref]!
            result.components.append(
                ComponentRecord(ref: ref, properties: package.properties, artifacts: package.artifacts, source: path))
            result.edges.append(EdgeRecord(from: agent, to: ref, relation: .requiresPackage, evidence: evidence))
        }
        for ref in order {
            var targets: [ComponentRef] = []
            var seen: Set<ComponentRef> = [ref]
            for dependency in byRef[ref]!.dependencies {
                let name = ComponentRef.pep503(dependency.name)
                guard !localNames.contains(name) else { continue }
                let resolved: [ComponentRef]
                if let version = dependency.version {
                    resolved = [ComponentRef(kind: .package, ecosystem: "pypi", name: name, version: version)]
                } else if let locked = versions[name], locked.count <= Self.maxVersionsPerDependency {
                    resolved = locked
                } else if versions[name] != nil {
                    resolved = [ComponentRef(kind: .package, ecosystem: "pypi", name: name)]
                } else {
                    // Not locked here: an optional dependency was not chosen; any other stays a name-level edge.
                    guard !dependency.isOptional else { continue }
                    resolved = [ComponentRef(kind: .package, ecosystem: "pypi", name: name)]
                }
                for target in resolved where seen.insert(target).inserted { targets.append(target) }
            }
            for target in targets {
                result.edges.append(EdgeRecord(from: ref, to: target, relation: .requiresPackage, evidence: evidence))
            }
        }
        return result
    }
}

extension LockfileDependency {
    /// `[{name = …, version = …}, …]` as uv.lock and pylock.toml write dependencies; entries without a name are
    /// dropped.
    static func list(_ value: TOMLValue?) -> [LockfileDependency] {
        (value?.arrayValue ?? []).compactMap { entry in
            guard let name = entry["name"]?.stringValue, !name.isEmpty else { return nil }
            return LockfileDependency(name: name, version: entry["version"]?.stringValue)
        }
    }
}
