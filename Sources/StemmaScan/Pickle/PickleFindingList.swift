/// The findings of one scan, bounded: at most ``perVerdictLimit`` findings of each verdict are kept, so a
/// pickle that repeats a bad import a million times cannot exhaust memory, and the worst verdict is never lost
/// (the first finding of each verdict is always kept).
struct PickleFindingList {
    static let perVerdictLimit = 256
    private(set) var findings: [ScanFinding] = []
    private var counts = [Int](repeating: 0, count: ScanVerdict.allCases.count)

    mutating func add(_ finding: ScanFinding) {
        let slot = ScanVerdict.allCases.firstIndex(of: finding.verdict) ?? 0
        guard counts[slot] < PickleFindingList.perVerdictLimit else { return }
        counts[slot] += 1
        findings.append(finding)
    }

    /// The worst verdict so far.
    var worst: ScanVerdict { findings.worstVerdict }
}
