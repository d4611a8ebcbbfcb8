public import StemmaCore
public import StemmaCrypto

#if canImport(Glibc)
    import Glibc
#endif

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
                let pem = try BoundedFile.read(path, maxBytes: 1 << 20)
                do throws(StemmaError) {
                    signers.append(TrustedSigner(name: path, publicKeys: [try PublicKey(pem: pem, source: path)]))
                } catch {
                    throw Self.publicKeyHint(error, pem: pem, path: path)
                }
            }
            return signers
        case .certificateChains(let paths):
            var certificates: [Certificate] = []
            for path in paths {
                certificates += try Certificate.loadPEM(try BoundedFile.read(path, maxBytes: 4 << 20), source: path)
            }
            return [TrustedSigner(name: paths.joined(separator: ", "), certificateAuthorities: certificates)]
        case .trustRoots(let folder):
            var status = stat()
            if stat(folder, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG {
                let parent = folder.contains("/") ? String(folder[..<folder.lastIndex(of: "/")!]) : "."
                throw StemmaError(
                    .usage,
                    "'\(folder)' is a file: --trust-roots takes the folder that holds signers.json; give the folder "
                        + "('\(parent.isEmpty ? "/" : parent)')")
            }
            return try TrustPolicy.load(folder: folder).signers
        }
    }

    /// A `--public-key` file that holds something else gets the way to the right input: a private key the
    /// `openssl pkey -pubout` command, a certificate `--certificate-chain` (or `openssl x509 -pubkey`).
    private static func publicKeyHint(_ error: StemmaError, pem: [UInt8], path: String) -> StemmaError {
        let text = String(decoding: pem.prefix(64 << 10), as: UTF8.self)
        if text.contains("PRIVATE KEY-----") {
            return StemmaError(
                .usage,
                "'\(path)' holds a private key, not a public key: give its public half, written by "
                    + "`openssl pkey -in \(path) -pubout -out public.pem` (and keep the private key out of CI)")
        }
        if text.contains("-----BEGIN CERTIFICATE-----") {
            return StemmaError(
                .usage,
                "'\(path)' holds a certificate, not a public key: give a CA certificate with --certificate-chain, "
                    + "or the key inside it, written by `openssl x509 -in \(path) -pubkey -noout > public.pem`")
        }
        return error
    }
}
