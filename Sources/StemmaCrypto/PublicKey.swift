internal import COpenSSL
public import StemmaCore

/// A public key loaded through OpenSSL, able to verify signatures.
///
/// `@unchecked Sendable`: the wrapped `EVP_PKEY` is never mutated after loading, and OpenSSL allows concurrent
/// verification with one key.
public final class PublicKey: @unchecked Sendable {
    let key: OpaquePointer  // EVP_PKEY *, owned
    /// The algorithm and curve.
    public let type: KeyType

    init(owning key: OpaquePointer) {
        self.key = key
        self.type = Self.classify(key)
    }

    deinit { EVP_PKEY_free(key) }

    /// Loads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    /// - Parameters:
    ///   - pem: the file's bytes.
    ///   - source: the file name, for messages.
    /// - Throws: ``StemmaError`` `.malformedInput` naming `source` when it holds no public key.
    public convenience init(pem: [UInt8], source: String) throws(StemmaError) {
        OpenSSLRuntime.ensureInitialized()
        OpenSSLRuntime.clearErrors()
        guard let bio = MemoryBIO(reading: pem) else { throw OpenSSLRuntime.error("could not read '\(source)'") }
        guard let key = PEM_read_bio_PUBKEY(bio.bio, nil, nil, nil) else {
            throw StemmaError(
                .malformedInput, "'\(source)' does not hold a PEM public key (-----BEGIN PUBLIC KEY-----)",
                underlying: LibraryDiagnostic(OpenSSLRuntime.drainErrors()))
        }
        self.init(owning: key)
    }

    /// The key re-serialised as PEM SubjectPublicKeyInfo text, exactly as `openssl pkey -pubout` writes it.
    public func pemText() -> [UInt8] {
        guard let bio = MemoryBIO(), PEM_write_bio_PUBKEY(bio.bio, key) == 1 else { return [] }
        return bio.contents()
    }

    /// The DER SubjectPublicKeyInfo.
    public func derSubjectPublicKeyInfo() -> [UInt8] {
        var pointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &pointer)
        guard length > 0, let pointer else { return [] }
        defer { CRYPTO_free(pointer, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
    }

    /// The OMS key `hint`: lowercase hex SHA-256 of ``pemText()``.
    public func modelSigningHint() -> String {
        (try? Digest.sha256Hex(pemText())) ?? ""
    }

    /// Whether `signature` is a valid signature by this key over `message`.
    ///
    /// ECDSA signatures are DER; the digest is the one the curve implies unless `digest` overrides it. Ed25519
    /// signs the message itself. Only OpenSSL's 1 means valid; 0 and -1 are both "no".
    public func isValidSignature(_ signature: [UInt8], over message: [UInt8], digest: DigestAlgorithm? = nil) -> Bool {
        if case .unsupported = type { return false }
        OpenSSLRuntime.clearErrors()
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        let md = (type == .ed25519) ? nil : (digest ?? type.signatureDigest)?.evpMD
        guard EVP_DigestVerifyInit(context, nil, md, nil, key) == 1 else { return false }
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        OpenSSLRuntime.clearErrors()
        return result == 1
    }

    static func classify(_ key: OpaquePointer) -> KeyType {
        switch EVP_PKEY_get_base_id(key) {
        case EVP_PKEY_ED25519:
            return .ed25519
        case EVP_PKEY_EC:
            var name = [CChar](repeating: 0, count: 80)
            var length = 0
            guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else { return .unsupported("EC") }
            let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            switch group {
            case "prime256v1", "P-256": return .ecdsaP256
            case "secp384r1", "P-384": return .ecdsaP384
            case "secp521r1", "P-521": return .ecdsaP521
            default: return .unsupported("EC \(group)")
            }
        default:
            let name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
            return .unsupported(name)
        }
    }
}
