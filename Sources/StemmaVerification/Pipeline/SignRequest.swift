public import StemmaArchive

/// What to sign, with which key.
public struct SignRequest: Sendable {
    /// The model folder, file or archive.
    public var model: String
    /// The PEM private key (ECDSA P-256/P-384/P-521).
    public var privateKey: String
    /// The leaf certificate for certificate mode; key mode when nil.
    public var signingCertificate: String?
    /// Intermediate certificates to include after the leaf.
    public var certificateChain: [String] = []
    /// Where to write the signature; `PATH/model.sig` for a folder and `PATH.sig` otherwise when nil.
    public var signature: String?
    /// Hash in shards of this many bytes; whole files when nil.
    public var shardSize: UInt64?
    /// Model-relative paths never to sign (recorded in the signature).
    public var ignorePaths: [String] = []
    /// Hash symbolic links inside the model through the link.
    public var allowSymlinks = false
    /// Replace a signature that already exists at the output path; without it, signing refuses (exit 2) before
    /// hashing, so a second `sign` cannot silently replace a release signature.
    public var overwrite = false
    /// Bounds for reading archives.
    public var archiveLimits = ArchiveLimits.standard

    /// Creates a request.
    public init(model: String, privateKey: String) {
        self.model = model
        self.privateKey = privateKey
    }
}

/// What `stemma sign` produced.
public struct SignResult: Sendable {
    /// Where the signature was written.
    public var signaturePath: String
    /// The OMS root digest, hex.
    public var rootDigest: String
    /// `files` or `shards`.
    public var method: String
    /// Resources signed.
    public var resourceCount: Int
    /// Files signed.
    public var fileCount: Int
    /// Bytes hashed.
    public var bytesHashed: Int64
    /// Wall-clock seconds.
    public var seconds: Double
}
