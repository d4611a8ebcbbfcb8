/// One `ranges[]` entry: a type and a timeline of events.
public struct OSVRange: Sendable, Hashable {
    /// How the range's versions are ordered.
    public enum Kind: Sendable, Hashable {
        /// SemVer 2.0 precedence.
        case semver
        /// The package ecosystem's own ordering (PEP 440 for PyPI).
        case ecosystem
        /// Commit hashes; needs the repository's commit graph, so Stemma never matches these.
        case git
        /// A type this version of the schema does not define; never matched.
        case other(String)

        init(_ text: String) {
            switch text {
            case "SEMVER": self = .semver
            case "ECOSYSTEM": self = .ecosystem
            case "GIT": self = .git
            default: self = .other(text)
            }
        }
    }

    /// The range type.
    public let kind: Kind
    /// `repo`, for `GIT` ranges.
    public let repository: String?
    /// The events in file order (evaluation sorts them).
    public let events: [OSVEvent]

    /// Creates a range.
    public init(kind: Kind, repository: String? = nil, events: [OSVEvent]) {
        self.kind = kind
        self.repository = repository
        self.events = events
    }

    /// `introduced: "0"` with no `fixed`, `last_affected` or finite `limit`: every version.
    var isOpenFromZero: Bool {
        var introducedAtZero = false
        for event in events {
            switch event {
            case .introduced(let version): if version == "0" { introducedAtZero = true }
            case .fixed, .lastAffected: return false
            case .limit(let version): if !version.contains("*") { return false }
            }
        }
        return introducedAtZero
    }
}

/// One event of a range's timeline.
public enum OSVEvent: Sendable, Hashable {
    /// The first affected version; `"0"` sorts before every version.
    case introduced(String)
    /// The first version no longer affected.
    case fixed(String)
    /// The last affected version (everything after it is assumed fixed).
    case lastAffected(String)
    /// Versions at or above this are outside the range; `"*"` is infinity.
    case limit(String)

    /// The version the event names.
    public var version: String {
        switch self {
        case .introduced(let version), .fixed(let version), .lastAffected(let version), .limit(let version):
            return version
        }
    }
}
