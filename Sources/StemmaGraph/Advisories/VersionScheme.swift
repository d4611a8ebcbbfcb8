import StemmaCore

/// How an OSV range orders the versions of one ecosystem.
///
/// PyPI uses PEP 440; npm and OSV `SEMVER` ranges use SemVer 2.0; any other ecosystem falls back to comparing
/// purely numeric dotted versions (`1.2.10 > 1.2.9`) and refuses everything else, so that such a version is
/// matched only by an advisory's `versions[]` list, never guessed into a range.
enum VersionScheme: Sendable, Hashable {
    case pep440
    case semver
    case dottedNumeric

    /// The ordering an `ECOSYSTEM` range uses for an ecosystem key (see ``OSVEcosystem/key(_:)``).
    init(ecosystemKey: String) {
        switch ecosystemKey {
        case "pypi": self = .pep440
        case "npm": self = .semver
        default: self = .dottedNumeric
        }
    }

    /// The comparable form of `version`, or nil when this scheme cannot order it.
    func key(_ version: String) -> VersionKey? {
        switch self {
        case .pep440: return PEP440Version(version).map(VersionKey.pep440)
        case .semver: return SemanticVersion(version).map(VersionKey.semver)
        case .dottedNumeric: return DottedNumericVersion(version).map(VersionKey.dotted)
        }
    }
}

/// A version parsed by one ``VersionScheme``; only keys of the same scheme are ever compared.
enum VersionKey: Hashable, Sendable, Comparable {
    case pep440(PEP440Version)
    case semver(SemanticVersion)
    case dotted(DottedNumericVersion)

    static func < (lhs: VersionKey, rhs: VersionKey) -> Bool {
        switch (lhs, rhs) {
        case let (.pep440(left), .pep440(right)): return left < right
        case let (.semver(left), .semver(right)): return left < right
        case let (.dotted(left), .dotted(right)): return left < right
        default: return lhs.schemeRank < rhs.schemeRank
        }
    }

    private var schemeRank: Int {
        switch self {
        case .pep440: return 0
        case .semver: return 1
        case .dotted: return 2
        }
    }
}

/// Dot-separated decimal numbers with an optional leading `v`; trailing zero segments do not matter.
struct DottedNumericVersion: Hashable, Sendable, Comparable {
    /// The segments without trailing zeros.
    let segments: [VersionNumeral]

    init?(_ text: String) {
        guard text.utf8.count <= 1024 else { return nil }
        var rest = Substring(text.trimmedWhitespace)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        var parsed: [VersionNumeral] = []
        for part in rest.split(separator: ".", omittingEmptySubsequences: false) {
            guard let number = VersionNumeral(part) else { return nil }
            parsed.append(number)
        }
        while parsed.last?.isZero == true { parsed.removeLast() }
        segments = parsed
    }

    static func < (lhs: DottedNumericVersion, rhs: DottedNumericVersion) -> Bool {
        compareSequences(lhs.segments, rhs.segments, by: compareValues) < 0
    }
}
