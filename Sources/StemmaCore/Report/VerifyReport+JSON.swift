extension VerifyReport {
    /// The report as `schemas/verify-report.schema.json` describes it.
    public func jsonValue() -> JSONValue {
        let signerValue: JSONValue =
            signer.map { signer in
                .object([
                    ("method", .string(signer.method)),
                    ("name", .string(signer.name)),
                    ("keyFingerprint", .string(signer.keyFingerprint)),
                    ("certificateSubject", signer.certificateSubject.map(JSONValue.string) ?? .null),
                ])
            } ?? .null
        return .object([
            ("schemaVersion", .integer(1)),
            ("tool", .object([("name", .string("stemma")), ("version", .string(StemmaVersion.current))])),
            ("model", .string(model)),
            ("signature", .string(signature)),
            ("verdict", .string(verdict.rawValue)),
            ("signer", signerValue),
            ("rootDigest", rootDigest.map(JSONValue.string) ?? .null),
            ("method", method.map(JSONValue.string) ?? .null),
            ("hashType", hashType.map(JSONValue.string) ?? .null),
            (
                "counts",
                .object([
                    ("resourcesSigned", .integer(counts.resourcesSigned)),
                    ("filesFound", .integer(counts.filesFound)),
                    ("bytesHashed", .integer(counts.bytesHashed)),
                    ("findings", .integer(findings.count)),
                ])
            ),
            ("seconds", .number(String(format3(seconds)))),
            ("findings", .array(findings.map(\.jsonValue))),
        ])
    }
}

extension Finding {
    /// `{"code", "severity", "message", "path"}`.
    public var jsonValue: JSONValue {
        .object([
            ("code", .string(code.rawValue)),
            ("severity", .string(severity.rawValue)),
            ("message", .string(message)),
            ("path", path.map(JSONValue.string) ?? .null),
        ])
    }
}

/// Seconds with millisecond precision (`1.250`), for JSON number text and for reports people read.
public func format3(_ value: Double) -> String {
    guard value.isFinite, value >= 0 else { return "0" }
    let millis = Int64((value * 1000).rounded())
    let fraction = String(millis % 1000)
    return "\(millis / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}
