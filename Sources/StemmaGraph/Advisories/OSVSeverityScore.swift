/// One `severity[]` entry: a scoring type and its score text.
public struct OSVSeverityScore: Sendable, Hashable {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, …
    public let type: String
    /// The vector or word (`CVSS:3.1/AV:N/…`).
    public let score: String

    /// Creates a score.
    public init(type: String, score: String) {
        self.type = type
        self.score = score
    }
}
