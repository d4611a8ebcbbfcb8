/// Whether a model is proven to be what its signature says.
public enum Verdict: String, Sendable {
    /// Every file matches, the signature holds and the signer is trusted.
    case verified
    /// At least one error-severity finding.
    case failed
}

/// Who signed, as far as verification could establish it.
public struct SignerIdentity: Sendable, Equatable {
    /// `public-key` or `certificate`.
    public var method: String
    /// The trust-policy signer that matched, or the key/certificate file given on the command line.
    public var name: String
    /// SHA-256 of the signing public key's PEM text (the OMS `hint`), hex.
    public var keyFingerprint: String
    /// The leaf certificate's subject, in certificate mode.
    public var certificateSubject: String?

    /// Creates a signer identity.
    public init(method: String, name: String, keyFingerprint: String, certificateSubject: String? = nil) {
        self.method = method
        self.name = name
        self.keyFingerprint = keyFingerprint
        self.certificateSubject = certificateSubject
    }
}

/// Counts of what verification looked at.
public struct VerifyCounts: Sendable, Equatable {
    /// Resources in the signed manifest (files, or shards in shard mode).
    public var resourcesSigned = 0
    /// Files found in the model.
    public var filesFound = 0
    /// Bytes read and hashed.
    public var bytesHashed: Int64 = 0

    /// Creates zero counts.
    public init() {}
}

/// The result of `stemma verify`: a verdict, the findings behind it, and what was checked.
public struct VerifyReport: Sendable {
    /// The model path as given.
    public var model: String
    /// The signature file.
    public var signature: String
    /// The signer, once the signature verified.
    public var signer: SignerIdentity?
    /// The signed root digest (the statement's subject digest), hex.
    public var rootDigest: String?
    /// `files` or `shards`.
    public var method: String?
    /// The per-file hash named by the signature (`sha256`, `blake2b`).
    public var hashType: String?
    /// What was looked at.
    public var counts = VerifyCounts()
    /// Wall-clock seconds spent.
    public var seconds: Double = 0
    /// Everything found, in the order checks ran.
    public private(set) var findings: [Finding] = []

    /// Creates an empty report for a model and signature.
    public init(model: String, signature: String) {
        self.model = model
        self.signature = signature
    }

    /// The verdict: verified only with no error-severity finding *and* a signer established.
    ///
    /// The signer requirement keeps the verdict fail-closed: a report that never reached signature
    /// verification cannot pass, whatever else it holds.
    public var verdict: Verdict {
        findings.contains { $0.severity == .error } || signer == nil ? .failed : .verified
    }

    /// Adds a finding.
    public mutating func add(_ finding: Finding) { findings.append(finding) }

    /// Adds several findings.
    public mutating func add(contentsOf more: [Finding]) { findings.append(contentsOf: more) }
}
