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
    /// Scan every file for formats that run code when loaded (`stemma scan`); on by default.
    public var scanFormats = true
    /// Report dangerous or malformed files as warnings instead of failing (a policy that accepts, say, a
    /// reviewed pickle). Suspicious files are always warnings.
    public var allowUnsafeFormats = false
    /// `module.name` globals to treat as allowlisted in pickles.
    public var allowedGlobals: Set<String> = []
    /// For tests only (`@testable import`): runs in the hash worker after a file is hashed and before it is scanned,
    /// with its model-relative name, so a test can replace the file at exactly that point.
    var betweenHashAndScan: (@Sendable (String) -> Void)? = nil

    /// Creates a request.
    public init(model: String, signature: String?, trust: TrustSource) {
        self.model = model
        self.signature = signature
        self.trust = trust
    }
}
