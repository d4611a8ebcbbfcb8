/// One `affected[]` entry of an OSV record: a package and the versions of it the advisory covers.
public struct OSVAffected: Sendable, Hashable {
    /// `package.ecosystem` as written (`PyPI`).
    public let ecosystem: String
    /// `package.name` as written.
    public let name: String
    /// `package.purl`, when given (never with a version).
    public let purl: String?
    /// `ranges[]`, in file order; `GIT` ranges are kept but never matched (no commit graph here).
    public let ranges: [OSVRange]
    /// `versions[]`: exact affected versions, in file order (which is string order, not version order).
    public let versions: [String]
    /// `severity[]` for this package only.
    public let scores: [OSVSeverityScore]
    /// True when every version of the package is affected: a non-`GIT` range with `introduced: "0"` and no
    /// `fixed`, `last_affected` or finite `limit`, or a malicious-package record with neither ranges nor versions.
    public let coversAllVersions: Bool

    let package: PackageKey
    let versionSet: Set<String>

    init(
        ecosystem: String, name: String, purl: String?, ranges: [OSVRange], versions: [String],
        scores: [OSVSeverityScore], isMalicious: Bool
    ) {
        self.ecosystem = ecosystem
        self.name = name
        self.purl = purl
        self.ranges = ranges
        self.versions = versions
        self.scores = scores
        self.package = PackageKey(ecosystem: ecosystem, name: name)
        self.versionSet = Set(versions)
        let openRange = ranges.contains { $0.kind != .git && $0.isOpenFromZero }
        self.coversAllVersions = openRange || (isMalicious && ranges.isEmpty && versions.isEmpty)
    }

    /// The ecosystem as a ``ComponentRef`` ecosystem (`pypi`); see ``OSVEcosystem/key(_:)``.
    public var ecosystemKey: String { package.ecosystem }

    /// The name normalised for the ecosystem (PEP 503 for PyPI).
    public var normalizedName: String { package.name }

    public static func == (lhs: OSVAffected, rhs: OSVAffected) -> Bool {
        lhs.ecosystem == rhs.ecosystem && lhs.name == rhs.name && lhs.purl == rhs.purl && lhs.ranges == rhs.ranges
            && lhs.versions == rhs.versions && lhs.scores == rhs.scores
            && lhs.coversAllVersions == rhs.coversAllVersions
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(package)
        hasher.combine(versions)
        hasher.combine(ranges)
    }
}
