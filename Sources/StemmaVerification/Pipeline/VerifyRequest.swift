public import StemmaArchive
public import StemmaFormats

/// What to verify, against what trust.
public struct VerifyRequest: Sendable {
    /// The model folder, file or archive.
    public var model: String
    /// The signature file; found by the default rules when nil.
    public var signature: String?
    /// Keys, certificates or a trust-roots folder.
    public var trust: TrustSource
    /// Pass files the signature does not list (they are not hashed).
    public var ignoreUnsignedFiles = false
    /// Extra model-relative paths never to hash.
    public var ignorePaths: [String] = []
    /// Bounds for reading archives.
    public var archiveLimits = ArchiveLimits.standard

    /// Creates a request.
    public init(model: String, signature: String?, trust: TrustSource) {
        self.model = model
        self.signature = signature
        self.trust = trust
    }
}
