/// How bad a flagged component is, and so how urgent every agent below it is.
public enum ImpactSeverity: String, Sendable, CaseIterable, Comparable {
    case critical
    case high
    case medium
    case low
    case unknown

    private var rank: Int {
        switch self {
        case .critical: return 4
        case .high: return 3
        case .medium: return 2
        case .low: return 1
        case .unknown: return 0
        }
    }

    public static func < (lhs: ImpactSeverity, rhs: ImpactSeverity) -> Bool { lhs.rank < rhs.rank }

    /// From a CVSS base score (CVSS v3/v4 bands).
    public init(cvssScore: Double) {
        switch cvssScore {
        case 9.0...: self = .critical
        case 7.0..<9.0: self = .high
        case 4.0..<7.0: self = .medium
        case 0.1..<4.0: self = .low
        default: self = .unknown
        }
    }

    /// From words advisories use (`CRITICAL`, `High`, `moderate`).
    public init(word: String) {
        switch word.lowercased() {
        case "critical": self = .critical
        case "high", "important": self = .high
        case "medium", "moderate": self = .medium
        case "low", "minor": self = .low
        default: self = .unknown
        }
    }
}
