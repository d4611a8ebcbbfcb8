import StemmaCore

/// One OSV record (schema 1.x): an advisory, the packages and versions it covers, and how bad it is.
///
/// Parse with ``parse(_:source:)``. A withdrawn record (``isWithdrawn``) matches nothing. A `MAL-` record
/// (OpenSSF malicious packages) means "compromised", not "vulnerable", and is always ``ImpactSeverity/critical``.
public struct OSVAdvisory: Sendable, Hashable, Identifiable {
    /// `id`: `PYSEC-2023-18`, `GHSA-…`, `MAL-2024-9933`, `CVE-…`.
    public let id: String
    /// `summary`: one line, when given.
    public let summary: String?
    /// `details`, cut to its first ``detailsLimit`` characters: enough for a report, not the whole write-up.
    public let details: String?
    /// `aliases`: other ids for the same vulnerability (used to de-duplicate).
    public let aliases: [String]
    /// `modified`, as written.
    public let modified: String?
    /// `withdrawn`, as written; a withdrawn record must be ignored.
    public let withdrawn: String?
    /// Top-level `severity[]`.
    public let scores: [OSVSeverityScore]
    /// `affected[]`.
    public let affected: [OSVAffected]
    /// The severity Stemma assigns; see ``OSVAdvisory/assessSeverity(id:scores:words:)``.
    public let severity: ImpactSeverity

    /// The most characters of `details` kept.
    public static let detailsLimit = 1_000

    /// Creates an advisory from parsed parts; the severity is assessed from them.
    /// - Parameter severityWords: `database_specific.severity` words (`HIGH`, `MODERATE`) seen in the record.
    public init(
        id: String, summary: String? = nil, details: String? = nil, aliases: [String] = [], modified: String? = nil,
        withdrawn: String? = nil, scores: [OSVSeverityScore] = [], affected: [OSVAffected],
        severityWords: [String] = []
    ) {
        self.id = id
        self.summary = summary
        self.details = details.map { String($0.prefix(Self.detailsLimit)) }
        self.aliases = aliases
        self.modified = modified
        self.withdrawn = withdrawn
        self.scores = scores
        self.affected = affected
        self.severity = Self.assessSeverity(
            id: id, scores: scores + affected.flatMap(\.scores), words: severityWords)
    }

    /// True when the record has been withdrawn (`withdrawn` is set); it then matches nothing.
    public var isWithdrawn: Bool { !(withdrawn?.isEmpty ?? true) }

    /// True for OpenSSF malicious-package records (`MAL-` ids).
    public var isMalicious: Bool { id.hasPrefix("MAL-") }

    /// A line for people: the summary, else the first line of the details, else the id.
    public var title: String {
        if let summary, !summary.trimmedWhitespace.isEmpty { return summary.trimmedWhitespace }
        let lines = details?.split(whereSeparator: \.isNewline).map { String($0).trimmedWhitespace } ?? []
        if let line = lines.first(where: { !$0.isEmpty }) { return line }
        return id
    }

    /// Whether the advisory covers `name` at `version` in `ecosystem` (any `affected[]` entry does).
    ///
    /// Always false for a withdrawn record. See ``OSVAffected/affects(ecosystem:name:version:)`` for the rules.
    /// - Parameter version: nil when the component's version is unknown: then only an advisory that covers
    ///   every version (``coversAllVersions(ecosystem:name:)``) matches.
    public func affects(ecosystem: String, name: String, version: String?) -> Bool {
        guard !isWithdrawn else { return false }
        let package = PackageKey(ecosystem: ecosystem, name: name)
        return affected.contains { $0.package == package && $0.affects(version: version) }
    }

    /// Whether every version of the package is covered (a name-level flag); false for a withdrawn record.
    public func coversAllVersions(ecosystem: String, name: String) -> Bool {
        guard !isWithdrawn else { return false }
        let package = PackageKey(ecosystem: ecosystem, name: name)
        return affected.contains { $0.package == package && $0.coversAllVersions }
    }
}
