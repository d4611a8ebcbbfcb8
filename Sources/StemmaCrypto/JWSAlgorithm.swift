internal import COpenSSL
public import StemmaCore

/// The JWS algorithms (RFC 7518, RFC 8037) Stemma signs and verifies agent cards with. `none`, HMAC and
/// every other name are not algorithms here: a signature naming one never counts.
public enum JWSAlgorithm: String, Sendable, CaseIterable {
    case es256 = "ES256"
    case es384 = "ES384"
    case rs256 = "RS256"
    case edDSA = "EdDSA"

    /// The smallest RSA modulus accepted, in bits (RFC 7518 §3.3 requires 2048).
    public static let minimumRSABits: Int32 = 2048

    /// The algorithm a private key signs with: P-256 → ES256, P-384 → ES384, RSA (≥ 2048 bits) → RS256,
    /// Ed25519 → EdDSA.
    /// - Throws: ``StemmaError`` `.unsupported` for any other key.
    public static func forSigning(with key: PrivateKey) throws(StemmaError) -> JWSAlgorithm {
        if let algorithm = algorithm(for: key.key) { return algorithm }
        throw StemmaError(
            .unsupported, "a \(key.type) key cannot sign a JWS here; use P-256, P-384, Ed25519 or RSA of 2048+ bits")
    }

    static func algorithm(for key: OpaquePointer) -> JWSAlgorithm? {
        switch PublicKey.classify(key) {
        case .ecdsaP256: return .es256
        case .ecdsaP384: return .es384
        case .ed25519: return .edDSA
        case .ecdsaP521: return nil
        case .unsupported:
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, EVP_PKEY_get_bits(key) >= minimumRSABits else {
                return nil
            }
            return .rs256
        }
    }

    /// The size of an ECDSA `r` or `s` in the JWS form (RFC 7518 §3.4), nil for other algorithms.
    var ecdsaCoordinateSize: Int? {
        switch self {
        case .es256: return 32
        case .es384: return 48
        case .rs256, .edDSA: return nil
        }
    }

    var digest: DigestAlgorithm? {
        switch self {
        case .es256, .rs256: return .sha256
        case .es384: return .sha384
        case .edDSA: return nil
        }
    }

    /// Signs the JWS signing input; the result is the JWS signature bytes (ECDSA as `r || s`).
    /// - Throws: ``StemmaError`` when the key does not belong to this algorithm or OpenSSL fails.
    public func sign(_ input: [UInt8], with key: PrivateKey) throws(StemmaError) -> [UInt8] {
        guard Self.algorithm(for: key.key) == self else {
            throw StemmaError(.unsupported, "a \(key.type) key cannot sign \(rawValue)")
        }
        OpenSSLRuntime.clearErrors()
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLRuntime.error("could not allocate a signing context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, digest?.evpMD, nil, key.key) == 1 else {
            throw OpenSSLRuntime.error("could not start signing")
        }
        var length = 0
        guard input.withUnsafeBufferPointer({ EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }) == 1
        else { throw OpenSSLRuntime.error("could not size the signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let status = input.withUnsafeBufferPointer { message in
            EVP_DigestSign(context, &signature, &length, message.baseAddress, message.count)
        }
        guard status == 1 else { throw OpenSSLRuntime.error("signing failed") }
        let der = Array(signature.prefix(length))
        guard let size = ecdsaCoordinateSize else { return der }
        guard let raw = ECDSASignatureForm.raw(fromDER: der, size: size) else {
            throw StemmaError(.crypto, "OpenSSL returned an ECDSA signature that is not DER")
        }
        return raw
    }

    /// Whether `signature` (JWS form) is this algorithm's valid signature by `key` over `input`. A key of
    /// another type, an RSA key under 2048 bits, or an ECDSA signature of the wrong length is never valid.
    public func isValid(_ signature: [UInt8], over input: [UInt8], by key: PublicKey) -> Bool {
        guard Self.algorithm(for: key.key) == self else { return false }
        var bytes = signature
        if let size = ecdsaCoordinateSize {
            guard signature.count == 2 * size else { return false }
            bytes = ECDSASignatureForm.der(fromRaw: signature)
        } else if self == .edDSA, signature.count != 64 {
            return false
        }
        OpenSSLRuntime.clearErrors()
        defer { OpenSSLRuntime.clearErrors() }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, digest?.evpMD, nil, key.key) == 1 else { return false }
        let result = bytes.withUnsafeBufferPointer { sig in
            input.withUnsafeBufferPointer { message in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, message.baseAddress, message.count)
            }
        }
        return result == 1
    }
}

/// ECDSA signatures in JWS are `r || s`, each left-padded to the curve size; OpenSSL speaks DER
/// `SEQUENCE { INTEGER r, INTEGER s }`.
enum ECDSASignatureForm {
    static func der(fromRaw raw: [UInt8]) -> [UInt8] {
        let half = raw.count / 2
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var body = Array(bytes.drop { $0 == 0 })
            if body.isEmpty { body = [0] }
            if body[0] & 0x80 != 0 { body.insert(0, at: 0) }
            return [0x02, UInt8(body.count)] + body
        }
        let content = integer(raw[0..<half]) + integer(raw[half...])
        return [0x30, UInt8(content.count)] + content
    }

    /// `r || s` from DER, each padded to `size` bytes; nil when the DER is not the short form OpenSSL writes.
    static func raw(fromDER der: [UInt8], size: Int) -> [UInt8]? {
        guard der.count >= 8, der[0] == 0x30, Int(der[1]) == der.count - 2, der[1] < 0x80 else { return nil }
        var index = 2
        var out: [UInt8] = []
        for _ in 0..<2 {
            guard index + 2 <= der.count, der[index] == 0x02 else { return nil }
            let length = Int(der[index + 1])
            guard length < 0x80, index + 2 + length <= der.count else { return nil }
            var body = Array(der[(index + 2)..<(index + 2 + length)].drop { $0 == 0 })
            guard body.count <= size else { return nil }
            body = [UInt8](repeating: 0, count: size - body.count) + body
            out += body
            index += 2 + length
        }
        return index == der.count ? out : nil
    }
}
