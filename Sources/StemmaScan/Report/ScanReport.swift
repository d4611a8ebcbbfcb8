public import StemmaCore

/// The result of `stemma scan`: one entry per file, in path order.
public struct ScanReport: Sendable {
    public var files: [ScannedFile]
    /// Wall-clock seconds the scan took.
    public var seconds: Double

    public init(files: [ScannedFile], seconds: Double = 0) {
        self.files = files
        self.seconds = seconds
    }

    /// The worst verdict of any file; `safe` for an empty scan.
    public var verdict: ScanVerdict { files.map(\.verdict).max() ?? .safe }

    /// 0 when every file is safe, 1 otherwise (2, "could not scan", is thrown before a report exists).
    public var exitCode: Int32 { verdict == .safe ? 0 : 1 }

    /// How many files have each verdict.
    public func count(_ verdict: ScanVerdict) -> Int { files.filter { $0.verdict == verdict }.count }
}

extension ScanFinding {
    /// The finding's location as one string: the file, then each container member (`model.zip!archive/data.pkl`).
    public func location(in path: String) -> String {
        ([path] + evidence.member).joined(separator: "!")
    }

    /// The severity a verify report or SARIF log gives this finding: errors for `dangerous` and `malformed`,
    /// a warning for `suspicious`.
    public var severity: Severity {
        switch verdict {
        case .dangerous, .malformed: return .error
        case .suspicious: return .warning
        case .safe: return .note
        }
    }
}
