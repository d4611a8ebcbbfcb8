/// What a scan concluded about one file or archive member.
///
/// Verdicts are ordered from best to worst, and a file's verdict is the worst of its findings: `malformed` never
/// hides `dangerous`, and nothing that was not fully parsed is ever `safe`.
public enum ScanVerdict: String, Sendable, Comparable, CaseIterable {
    /// Parsed completely; nothing in it can run code when loaded by its usual loader.
    case safe
    /// Something outside the allowlist of the loader (an unknown global, custom code, an unusual container).
    case suspicious
    /// Could not be parsed completely, or a scan limit was reached: not proven safe.
    case malformed
    /// Imports or calls something known to run code, or a structure only an attack would need.
    case dangerous

    private var rank: Int {
        switch self {
        case .safe: return 0
        case .suspicious: return 1
        case .malformed: return 2
        case .dangerous: return 3
        }
    }

    public static func < (lhs: ScanVerdict, rhs: ScanVerdict) -> Bool { lhs.rank < rhs.rank }
}
