import StemmaCore

/// Scans pickle streams with the abstract VM and the policy of one loader profile.
///
/// ```swift
/// let result = PickleScanner(profile: .torch).scan(input)
/// if result.verdict == .dangerous { … }
/// ```
///
/// The input is read through one window of at most 1 MiB and never copied whole, so memory is bounded by the
/// window, the limits on stack and memo, and the findings (at most 256 of each verdict).
public struct PickleScanner: Sendable {
    /// The loader whose allowlist applies when the pickle's own imports do not select one (or, when
    /// `selectsByContent` is false, always, except that TorchScript pickles are TorchScript).
    public let profile: PickleProfile
    /// Whether each pickle's imports choose its profile (rule 4); false when the container fixes the loader.
    public let selectsByContent: Bool
    /// Bounds on opcodes, memo, stack and nesting.
    public let limits: ScanLimits
    let policy: PicklePolicy

    /// A scanner for `profile`; `extraAllowedGlobals` adds normalised `module.qualname` names to its allowlist
    /// (from a signed policy, for example).
    public init(
        profile: PickleProfile, limits: ScanLimits = .standard, extraAllowedGlobals: Set<String> = [],
        selectsByContent: Bool = false
    ) {
        self.init(
            profile: profile, limits: limits, policy: PicklePolicy(extraAllowedGlobals: extraAllowedGlobals),
            selectsByContent: selectsByContent)
    }

    init(profile: PickleProfile, limits: ScanLimits, policy: PicklePolicy, selectsByContent: Bool) {
        self.profile = profile
        self.limits = limits
        self.policy = policy
        self.selectsByContent = selectsByContent
    }

    /// Scans every pickle of a (possibly stacked) stream.
    ///
    /// When `allowTrailingData` is true, bytes after the last complete pickle that do not start another pickle
    /// are not an error (legacy torch files keep raw storage bytes after their pickles); otherwise they are
    /// `scan.malformed`. Findings made before a parse error or a limit are kept, and the error is a finding of
    /// its own, so a truncated malicious pickle stays dangerous.
    public func scan(_ input: ScanInput, allowTrailingData: Bool = false) -> PickleScanResult {
        scan(input, allowTrailingData: allowTrailingData, depth: 0)
    }

    /// `maxPickles` stops after that many pickles (joblib reads exactly one object-array pickle from its stream).
    func scan(_ input: ScanInput, allowTrailingData: Bool, depth: Int, maxPickles: Int = .max) -> PickleScanResult {
        let window = UnsafeMutableRawBufferPointer.allocate(
            byteCount: max(16, min(1 << 20, input.count)), alignment: 16)
        defer { window.deallocate() }
        var machine = PickleMachine(
            reader: PickleReader(input: input, window: window), policy: policy, profile: profile,
            selectsByContent: selectsByContent, limits: limits, depth: depth)
        var pickles = 0
        var endOffset = 0
        while machine.reader.position < input.count && pickles < maxPickles {
            let start = machine.reader.position
            if pickles > 0 && allowTrailingData && !machine.reader.atPickleHeader() { break }
            let findingsBefore = machine.findings.findings.count
            machine.beginPickle(index: pickles)
            pickles += 1
            do {
                try machine.runPickle()
                machine.flushImports()
                endOffset = machine.reader.position
            } catch {
                machine.flushImports()
                if case .limit = error {
                    machine.add(fault: error)
                    endOffset = machine.opcodeOffset
                } else if allowTrailingData && pickles > 1 {
                    // Raw storage bytes that happen to start like a pickle header: the loader never reads them
                    // as one. Whatever the attempt found is kept (and then it counts as a pickle); the parse
                    // error is not.
                    if machine.findings.findings.count == findingsBefore { pickles -= 1 }
                    endOffset = start
                } else {
                    machine.add(fault: error)
                    endOffset = machine.opcodeOffset
                }
                break
            }
        }
        if pickles == 0 {
            machine.add(.scanMalformed, .malformed, "the input holds no pickle")
        }
        return PickleScanResult(
            findings: machine.findings.findings, pickleCount: pickles, opcodeCount: machine.opcodeCount,
            endOffset: endOffset)
    }
}
