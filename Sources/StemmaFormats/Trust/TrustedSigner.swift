public import StemmaCore
public import StemmaCrypto

/// Someone the user trusts to sign models: keys or CA certificates, and which models they may sign.
public struct TrustedSigner: Sendable {
    /// The signer's name in reports (a policy name, or the file given on the command line).
    public var name: String
    /// Public keys that identify the signer (key mode).
    public var publicKeys: [PublicKey] = []
    /// Trusted CA certificates the leaf must chain to (certificate mode).
    public var certificateAuthorities: [Certificate] = []
    /// The attributes the leaf certificate's subject must have, when set (matched attribute by attribute, never
    /// over a flattened string).
    public var leafSubject: SubjectPattern?
    /// Globs the model name (the statement's subject name) must match.
    public var models: [String] = ["*"]

    /// A signer with nothing trusted yet.
    public init(
        name: String, publicKeys: [PublicKey] = [], certificateAuthorities: [Certificate] = [],
        leafSubject: SubjectPattern? = nil, models: [String] = ["*"]
    ) {
        self.name = name
        self.publicKeys = publicKeys
        self.certificateAuthorities = certificateAuthorities
        self.leafSubject = leafSubject
        self.models = models
    }

    /// Whether this signer may sign a model of this name.
    public func allows(model name: String) -> Bool {
        models.contains { Glob.matches($0, name) }
    }
}

/// Where trust comes from on the command line.
public enum TrustSource: Sendable {
    /// `--public-key` files: any one that verifies is enough.
    case publicKeys([String])
    /// `--certificate-chain` files: trusted root and intermediate certificates.
    case certificateChains([String])
    /// `--trust-roots DIR`: a folder with `signers.json`.
    case trustRoots(String)

    /// Loads the signers this source describes.
    /// - Throws: ``StemmaError`` naming any key, certificate or policy file that cannot be read.
    public func signers() throws(StemmaError) -> [TrustedSigner] {
        switch self {
        case .publicKeys(let paths):
            var signers: [TrustedSigner] = []
            for path in paths {
                let key = try PublicKey(pem: try BoundedFile.read(path, maxBytes: 1 << 20), source: path)
                signers.append(TrustedSigner(name: path, publicKeys: [key]))
            }
            return signers
        case .certificateChains(let paths):
            var certificates: [Certificate] = []
            for path in paths {
                certificates += try Certificate.loadPEM(try BoundedFile.read(path, maxBytes: 4 << 20), source: path)
            }
            return [TrustedSigner(name: paths.joined(separator: ", "), certificateAuthorities: certificates)]
        case .trustRoots(let folder):
            return try TrustPolicy.load(folder: folder).signers
        }
    }
}
