internal import COpenSSL
public import StemmaCore

/// A private key loaded through OpenSSL, able to sign.
///
/// `@unchecked Sendable`: the wrapped `EVP_PKEY` is never mutated after loading.
public final class PrivateKey: @unchecked Sendable {
    let key: OpaquePointer  // EVP_PKEY *, owned
    /// The algorithm and curve.
    public let type: KeyType

    private init(owning key: OpaquePointer) {
        self.key = key
        self.type = PublicKey.classify(key)
    }

    deinit { EVP_PKEY_free(key) }

    /// Loads an unencrypted PEM private key (PKCS#8 `PRIVATE KEY` or `EC PRIVATE KEY`).
    /// - Throws: ``StemmaError`` `.malformedInput` naming `source`; an encrypted key is refused with a hint,
    ///   because OpenSSL would otherwise prompt on the terminal.
    public convenience init(pem: [UInt8], source: String) throws(StemmaError) {
        OpenSSLRuntime.ensureInitialized()
        OpenSSLRuntime.clearErrors()
        if String(decoding: pem, as: UTF8.self).contains("ENCRYPTED") {
            throw StemmaError(
                .unsupported,
                "'\(source)' is an encrypted private key; decrypt it first (openssl pkey -in KEY -out PLAIN)")
        }
        guard let bio = MemoryBIO(reading: pem) else { throw OpenSSLRuntime.error("could not read '\(source)'") }
        // A password callback that declines, so OpenSSL never reads from the terminal.
        let decline: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
            _, _, _, _ in 0
        }
        guard let key = PEM_read_bio_PrivateKey(bio.bio, nil, decline, nil) else {
            throw StemmaError(
                .malformedInput, "'\(source)' does not hold a PEM private key",
                underlying: LibraryDiagnostic(OpenSSLRuntime.drainErrors()))
        }
        self.init(owning: key)
    }

    /// The matching public key.
    public func publicKey() throws(StemmaError) -> PublicKey {
        var pointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &pointer)
        guard length > 0, let pointer else { throw OpenSSLRuntime.error("could not derive the public key") }
        defer { CRYPTO_free(pointer, #fileID, #line) }
        var cursor: UnsafePointer<UInt8>? = UnsafePointer(pointer)
        guard let publicKey = d2i_PUBKEY(nil, &cursor, Int(length)) else {
            throw OpenSSLRuntime.error("could not derive the public key")
        }
        return PublicKey(owning: publicKey)
    }

    /// Signs `message`: DER ECDSA with the curve's digest, or Ed25519 over the message itself.
    public func sign(_ message: [UInt8]) throws(StemmaError) -> [UInt8] {
        if case .unsupported(let name) = type {
            throw StemmaError(.unsupported, "\(name) keys cannot sign here; use ECDSA P-256/P-384/P-521 or Ed25519")
        }
        OpenSSLRuntime.clearErrors()
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLRuntime.error("could not allocate a signing context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, type.signatureDigest?.evpMD, nil, key) == 1 else {
            throw OpenSSLRuntime.error("could not start signing")
        }
        var length = 0
        guard message.withUnsafeBufferPointer({ EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }) == 1
        else { throw OpenSSLRuntime.error("could not size the signature") }
        var signature = [UInt8](repeating: 0, count: length)
        let status = message.withUnsafeBufferPointer { msg in
            EVP_DigestSign(context, &signature, &length, msg.baseAddress, msg.count)
        }
        guard status == 1 else { throw OpenSSLRuntime.error("signing failed") }
        return Array(signature.prefix(length))
    }
}
