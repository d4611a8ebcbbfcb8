internal import COpenSSL

/// A hash function Stemma computes through OpenSSL.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha256
    case sha384
    case sha512
    /// BLAKE2b with a 512-bit output, which OMS calls `blake2b`.
    case blake2b

    /// The digest length in bytes.
    public var byteCount: Int {
        switch self {
        case .sha256: return 32
        case .sha384: return 48
        case .sha512, .blake2b: return 64
        }
    }

    /// OpenSSL's method table. `EVP_sha256()` and friends return static tables that need no freeing.
    var evpMD: OpaquePointer {  // const EVP_MD *
        switch self {
        case .sha256: return EVP_sha256()
        case .sha384: return EVP_sha384()
        case .sha512: return EVP_sha512()
        case .blake2b: return EVP_blake2b512()
        }
    }
}
