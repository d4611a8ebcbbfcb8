import StemmaCore

extension OSVAdvisory {
    /// Stemma's severity for a record, from the strongest evidence it has.
    ///
    /// 1. A `MAL-` record is ``ImpactSeverity/critical``: the package is compromised.
    /// 2. Otherwise the highest band of any valid CVSS v3.x vector (top-level or per package), scored with the
    ///    CVSS 3.1 formula.
    /// 3. Otherwise, with only CVSS v4 vectors (not scored here), the highest severity word, or
    ///    ``ImpactSeverity/high`` when there is none.
    /// 4. Otherwise the highest severity word (`database_specific.severity`), else ``ImpactSeverity/unknown``.
    public static func assessSeverity(id: String, scores: [OSVSeverityScore], words: [String]) -> ImpactSeverity {
        if id.hasPrefix("MAL-") { return .critical }
        let version3 = scores.filter { $0.type == "CVSS_V3" || $0.score.hasPrefix("CVSS:3.") }
            .compactMap { CVSS3Vector($0.score)?.severity }
        if let highest = version3.max() { return highest }
        let wordSeverity = words.map { ImpactSeverity(word: $0.trimmedWhitespace) }.max() ?? .unknown
        let hasVersion4 = scores.contains { $0.type == "CVSS_V4" || $0.score.hasPrefix("CVSS:4.") }
        if hasVersion4 && wordSeverity == .unknown { return .high }
        return wordSeverity
    }
}
