/// The result of scanning one path given on the command line (or one file of a folder given there).
public struct ScannedFile: Sendable, Equatable {
    /// The path as the user would recognise it (relative to the folder that was scanned, or as given).
    public var path: String
    /// What the content was recognised as (`pickle`, `pytorch-zip`, `safetensors`, `zip`, …).
    public var format: String
    /// The worst verdict of the file and every member inside it.
    public var verdict: ScanVerdict
    /// Everything found, members' findings included (their evidence names the member).
    public var findings: [ScanFinding]

    public init(path: String, format: String, findings: [ScanFinding]) {
        self.path = path
        self.format = format
        self.findings = findings
        self.verdict = findings.worstVerdict
    }
}
