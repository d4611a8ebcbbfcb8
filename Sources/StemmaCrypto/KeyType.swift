/// The key algorithms Stemma recognises.
public enum KeyType: Sendable, Equatable, CustomStringConvertible {
    case ecdsaP256
    case ecdsaP384
    case ecdsaP521
    case ed25519
    /// Anything else (RSA, secp256k1, …), with OpenSSL's name for it.
    case unsupported(String)

    /// The digest ECDSA uses with this curve, as OMS fixes it (P-256 → SHA-256, P-384 → SHA-384,
    /// P-521 → SHA-512); nil for Ed25519, which hashes internally.
    public var signatureDigest: DigestAlgorithm? {
        switch self {
        case .ecdsaP256: return .sha256
        case .ecdsaP384: return .sha384
        case .ecdsaP521: return .sha512
        case .ed25519, .unsupported: return nil
        }
    }

    /// Whether the OMS model-signing format allows this key (ECDSA P-256/P-384/P-521 only).
    public var isAllowedForModelSigning: Bool {
        switch self {
        case .ecdsaP256, .ecdsaP384, .ecdsaP521: return true
        case .ed25519, .unsupported: return false
        }
    }

    public var description: String {
        switch self {
        case .ecdsaP256: return "ECDSA P-256"
        case .ecdsaP384: return "ECDSA P-384"
        case .ecdsaP521: return "ECDSA P-521"
        case .ed25519: return "Ed25519"
        case .unsupported(let name): return name
        }
    }
}
