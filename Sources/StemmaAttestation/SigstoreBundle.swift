public import StemmaCore

/// The Sigstore bundle v0.3 wrapping of a DSSE envelope, with a public-key hint or certificates.
public enum SigstoreBundle {
    /// The bundle media type Stemma writes.
    public static let mediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

    /// A bundle around `envelope` naming its key by `hint`, with no transparency-log entries.
    public static func jsonValue(envelope: DSSEEnvelope, hint: String) -> JSONValue {
        .object([
            ("mediaType", .string(mediaType)),
            (
                "verificationMaterial",
                .object([("publicKey", .object([("hint", .string(hint))])), ("tlogEntries", .array([]))])
            ),
            ("dsseEnvelope", envelope.jsonValue()),
        ])
    }

    /// Whether `value` looks like a Sigstore bundle rather than a bare envelope.
    public static func isBundle(_ value: JSONValue) -> Bool {
        value["dsseEnvelope"] != nil
            || value["mediaType"]?.stringValue?.hasPrefix("application/vnd.dev.sigstore.bundle") == true
    }

    /// The DER certificates a bundle carries (`certificate` or `x509CertificateChain`), leaf first.
    /// - Throws: ``EnvelopeProblem`` naming `source` when a certificate is not valid base64.
    public static func certificates(in value: JSONValue, source: String) throws(EnvelopeProblem) -> [[UInt8]] {
        guard let material = value["verificationMaterial"] else { return [] }
        var entries: [JSONValue] = []
        if let single = material["certificate"] { entries = [single] }
        if let chain = material["x509CertificateChain"]?["certificates"]?.arrayValue { entries = chain }
        var certificates: [[UInt8]] = []
        for entry in entries {
            guard let text = entry["rawBytes"]?.stringValue, let der = DSSEEnvelope.decodeBase64(text) else {
                throw EnvelopeProblem("'\(source)': a bundle certificate has no valid base64 rawBytes")
            }
            certificates.append(der)
        }
        return certificates
    }
}
