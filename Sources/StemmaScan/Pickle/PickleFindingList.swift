import StemmaCore

/// The findings of one scan, bounded: at most ``perVerdictLimit`` findings of each verdict are kept, so a
/// pickle that repeats a bad import a million times cannot exhaust memory, and the worst verdict is never lost
/// (the first finding of each verdict is always kept).
struct PickleFindingList {
    static let perVerdictLimit = 256
    private(set) var findings: [ScanFinding] = []
    private var counts = [0, 0, 0, 0]

    mutating func add(_ finding: ScanFinding) {
        guard accepts(finding.verdict) else { return }
        counts[PickleFindingList.slot(finding.verdict)] += 1
        findings.append(finding)
    }

    /// Whether a finding of `verdict` would still be kept (callers skip building one that would not).
    func accepts(_ verdict: ScanVerdict) -> Bool {
        counts[PickleFindingList.slot(verdict)] < PickleFindingList.perVerdictLimit
    }

    private static func slot(_ verdict: ScanVerdict) -> Int {
        switch verdict {
        case .safe: return 0
        case .suspicious: return 1
        case .malformed: return 2
        case .dangerous: return 3
        }
    }

    /// The worst verdict so far.
    var worst: ScanVerdict { findings.worstVerdict }
}

extension ScanFinding {
    /// Whether this finding means the scan did not reach the end (parse error, limit, read error).
    var stopsTheScan: Bool { code == .scanMalformed || code == .scanIncomplete || code == .scanUnreadable }
}
