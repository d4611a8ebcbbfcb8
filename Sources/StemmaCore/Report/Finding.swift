/// How much a finding matters to the verdict.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    /// Fails verification.
    case error
    /// Worth a look; does not fail verification.
    case warning
    /// Information only.
    case note

    private var rank: Int {
        switch self {
        case .error: return 2
        case .warning: return 1
        case .note: return 0
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One result of a check: what was found, how much it matters, and where.
///
/// Findings are values; a failed check produces one instead of throwing.
public struct Finding: Sendable, Equatable {
    /// The stable code (see ``FindingCode``).
    public var code: FindingCode
    /// How much it matters.
    public var severity: Severity
    /// A sentence for people, naming the file when there is one.
    public var message: String
    /// The file (model-relative name, or the signature path) the finding is about.
    public var path: String?

    /// Creates a finding; the severity defaults to the code's usual severity.
    public init(_ code: FindingCode, _ message: String, path: String? = nil, severity: Severity? = nil) {
        self.code = code
        self.severity = severity ?? code.defaultSeverity
        self.message = message
        self.path = path
    }
}
