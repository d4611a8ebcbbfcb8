/// Many OSV advisories, indexed by package so that matching one component is a dictionary lookup.
///
/// Withdrawn records are dropped when the index is built. Records that name each other through `aliases`
/// (`PYSEC-…` ↔ `GHSA-…` ↔ `CVE-…`, transitively) describe one vulnerability: a match returns one of them, the
/// one with the highest ``OSVAdvisory/severity`` (then the smallest id), and merges nothing from the others.
public struct AdvisoryIndex: Sendable {
    /// Every advisory kept (withdrawn ones dropped), in the order given.
    public let advisories: [OSVAdvisory]
    /// Positions in ``advisories`` for each package an `affected[]` entry names.
    private let byPackage: [PackageKey: [Int]]
    /// The alias group of each advisory: equal numbers mean the same vulnerability.
    private let group: [Int]

    /// Builds the index. Complexity: O(n) in the advisories, their `affected[]` entries and aliases.
    public init(_ advisories: some Sequence<OSVAdvisory>) {
        let kept = advisories.filter { !$0.isWithdrawn }
        var byPackage: [PackageKey: [Int]] = [:]
        for (position, advisory) in kept.enumerated() {
            for package in Set(advisory.affected.map(\.package)) {
                byPackage[package, default: []].append(position)
            }
        }
        self.advisories = kept
        self.byPackage = byPackage
        self.group = Self.aliasGroups(kept)
    }

    /// The number of advisories kept.
    public var count: Int { advisories.count }

    /// The advisories that name the package at all, whatever the versions (aliases not collapsed).
    public func advisories(ecosystem: String, name: String) -> [OSVAdvisory] {
        (byPackage[PackageKey(ecosystem: ecosystem, name: name)] ?? []).map { advisories[$0] }
    }

    /// The advisories that affect `name` at `version`, one per vulnerability, most severe first (then by id).
    /// - Parameter version: nil for an unknown version: only advisories covering every version match.
    public func matching(ecosystem: String, name: String, version: String?) -> [OSVAdvisory] {
        let package = PackageKey(ecosystem: ecosystem, name: name)
        var best: [Int: Int] = [:]
        for position in byPackage[package] ?? [] {
            let advisory = advisories[position]
            guard advisory.affected.contains(where: { $0.package == package && $0.affects(version: version) })
            else { continue }
            let groupID = group[position]
            if let current = best[groupID], !Self.isPreferred(advisory, over: advisories[current]) { continue }
            best[groupID] = position
        }
        return best.values.map { advisories[$0] }.sorted { Self.isPreferred($0, over: $1) }
    }

    /// The advisories that affect a package component (its ecosystem, name and version); none for a ref
    /// without an ecosystem.
    public func matching(_ ref: ComponentRef) -> [OSVAdvisory] {
        guard let ecosystem = ref.ecosystem else { return [] }
        return matching(ecosystem: ecosystem, name: ref.name, version: ref.version)
    }

    private static func isPreferred(_ candidate: OSVAdvisory, over other: OSVAdvisory) -> Bool {
        if candidate.severity != other.severity { return candidate.severity > other.severity }
        return candidate.id < other.id
    }

    /// Union-find over ids and aliases: advisories sharing any id end in one group.
    private static func aliasGroups(_ advisories: [OSVAdvisory]) -> [Int] {
        var parent: [Int] = []
        var node: [String: Int] = [:]
        func find(_ start: Int) -> Int {
            var root = start
            while parent[root] != root { root = parent[root] }
            var current = start
            while parent[current] != root {
                let next = parent[current]
                parent[current] = root
                current = next
            }
            return root
        }
        func nodeFor(_ id: String) -> Int {
            if let existing = node[id] { return existing }
            parent.append(parent.count)
            node[id] = parent.count - 1
            return parent.count - 1
        }
        var ownNode: [Int] = []
        for advisory in advisories {
            let own = nodeFor(advisory.id)
            ownNode.append(own)
            for alias in advisory.aliases {
                let other = find(nodeFor(alias))
                let root = find(own)
                if other != root { parent[other] = root }
            }
        }
        return ownNode.map { find($0) }
    }
}
