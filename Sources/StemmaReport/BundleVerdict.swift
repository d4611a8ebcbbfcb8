public import StemmaCore

/// A model bundle's verdict as `stemma verify --format json` reported it (`schemas/verify-report.schema.json`),
/// for the report's verification section.
public struct BundleVerdict: Sendable {
    /// The bundle path as verify named it.
    public var model: String
    /// `verified` or `failed`.
    public var verdict: String
    /// Who signed (the signer's name), when the signature verified.
    public var signer: String?
    /// The findings: code, severity and message.
    public var findings: [(code: String, severity: String, message: String)]
    /// The report file it was read from.
    public var source: String

    /// Reads a verify JSON report.
    /// - Throws: ``StemmaError`` naming `source` when it is not a verify report.
    public init(json: JSONValue, source: String) throws(StemmaError) {
        guard let model = json["model"]?.stringValue, let verdict = json["verdict"]?.stringValue,
            verdict == "verified" || verdict == "failed", let findings = json["findings"]?.arrayValue
        else {
            throw StemmaError(
                .malformedInput, "'\(source)' is not a `stemma verify --format json` report (model, verdict, findings)")
        }
        self.model = model
        self.verdict = verdict
        self.signer = json["signer"]?["name"]?.stringValue
        self.findings = findings.prefix(200).map {
            (
                $0["code"]?.stringValue ?? "?", $0["severity"]?.stringValue ?? "?",
                $0["message"]?.stringValue ?? ""
            )
        }
        self.source = source
    }
}
