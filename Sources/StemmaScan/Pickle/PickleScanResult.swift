/// What scanning one pickle stream found.
public struct PickleScanResult: Sendable {
    /// Problems only (an allowlisted pickle has none). Evidence names the pickle index, offset, opcode, the
    /// normalised global, its spelling, and whether it was called.
    public var findings: [ScanFinding]
    /// Pickles parsed in the stream (stacked pickles count one each; a pickle cut short counts too, and so does
    /// allowed trailing data that started like a pickle and made findings).
    public var pickleCount: Int
    /// Opcodes executed over the whole stream.
    public var opcodeCount: Int
    /// The offset where parsing stopped: the end of the input, the end of the last pickle when trailing data
    /// was allowed, or the opcode that failed.
    public var endOffset: Int

    /// The worst verdict of the findings; `safe` when there are none.
    public var verdict: ScanVerdict { findings.worstVerdict }

    public init(findings: [ScanFinding], pickleCount: Int, opcodeCount: Int, endOffset: Int) {
        self.findings = findings
        self.pickleCount = pickleCount
        self.opcodeCount = opcodeCount
        self.endOffset = endOffset
    }
}
