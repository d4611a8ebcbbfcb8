import StemmaCore

/// Why a format check stopped early: the bytes break the format, a bound was reached, or the file could not be
/// read. Every case becomes one finding that keeps the file from being reported safe.
enum FormatFailure: Error {
    /// The bytes break the format; `offset` is where, when known.
    case malformed(String, offset: Int?)
    /// A scan bound was reached before the structure was fully checked.
    case incomplete(String)
    /// The input could not be read.
    case unreadable(StemmaError)

    static func malformed(_ reason: String) -> FormatFailure { .malformed(reason, offset: nil) }

    /// The finding this failure implies, with `format` naming what was being parsed (`safetensors`, `GGUF`).
    func finding(_ format: String) -> ScanFinding {
        switch self {
        case .malformed(let reason, let offset):
            return ScanFinding(
                .scanMalformed, .malformed, "The \(format) structure is malformed: \(reason).",
                evidence: ScanEvidence(offset: offset, detail: reason))
        case .incomplete(let reason):
            return ScanFinding(
                .scanIncomplete, .malformed, "The \(format) scan stopped at a limit: \(reason).",
                evidence: ScanEvidence(detail: reason))
        case .unreadable(let error):
            return ScanFinding(
                .scanUnreadable, .malformed, "The \(format) file could not be read: \(error).",
                evidence: ScanEvidence(detail: "\(error)"))
        }
    }
}
