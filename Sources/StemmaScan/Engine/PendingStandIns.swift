// Stand-ins for the APIs other helpers write at the same time; the lead deletes this file at merge.
// They find nothing, so nothing here may be relied on for a verdict.

/// The loader a pickle is meant for, which picks the allowlist.
public enum PickleProfile: String, Sendable, CaseIterable { case torch, numpy, plain, joblib }

/// Stand-in: scans nothing.
public struct PickleScanner: Sendable {
    public init(profile: PickleProfile, limits: ScanLimits = .standard, extraAllowedGlobals: Set<String> = []) {}
    /// Scans every pickle of a stacked stream (stand-in: finds nothing).
    public func scan(_ input: ScanInput, allowTrailingData: Bool = false) -> PickleScanResult {
        PickleScanResult(findings: [], pickleCount: 0, opcodeCount: 0, endOffset: input.count)
    }
}

/// Stand-in result.
public struct PickleScanResult: Sendable {
    public var findings: [ScanFinding]
    public var pickleCount: Int
    public var opcodeCount: Int
    public var endOffset: Int
    public var verdict: ScanVerdict { findings.worstVerdict }
}
