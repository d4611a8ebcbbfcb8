internal import COpenSSL
public import StemmaCore

/// An X.509 certificate loaded through OpenSSL.
///
/// `@unchecked Sendable`: the wrapped `X509` is never mutated after loading.
public final class Certificate: @unchecked Sendable {
    let certificate: OpaquePointer  // X509 *, owned

    private init(owning certificate: OpaquePointer) { self.certificate = certificate }
    deinit { X509_free(certificate) }

    /// Parses one DER certificate.
    /// - Throws: ``StemmaError`` `.malformedInput` naming `source`.
    public convenience init(der: [UInt8], source: String) throws(StemmaError) {
        OpenSSLRuntime.ensureInitialized()
        OpenSSLRuntime.clearErrors()
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else {
            throw StemmaError(
                .malformedInput, "\(source) is not a DER X.509 certificate",
                underlying: LibraryDiagnostic(OpenSSLRuntime.drainErrors()))
        }
        self.init(owning: parsed)
    }

    /// Every certificate in a PEM file, in file order.
    /// - Throws: ``StemmaError`` `.malformedInput` when the file holds none or a block does not parse.
    public static func loadPEM(_ pem: [UInt8], source: String) throws(StemmaError) -> [Certificate] {
        OpenSSLRuntime.ensureInitialized()
        OpenSSLRuntime.clearErrors()
        guard let bio = MemoryBIO(reading: pem) else { throw OpenSSLRuntime.error("could not read '\(source)'") }
        var certificates: [Certificate] = []
        while let next = PEM_read_bio_X509(bio.bio, nil, nil, nil) {
            certificates.append(Certificate(owning: next))
            guard certificates.count <= 64 else {
                throw StemmaError(.limitExceeded, "'\(source)' holds more than 64 certificates")
            }
        }
        OpenSSLRuntime.clearErrors()  // reading stops with a "no start line" error at the end of the file
        guard !certificates.isEmpty else {
            throw StemmaError(.malformedInput, "'\(source)' holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    /// The DER encoding.
    public func derBytes() -> [UInt8] {
        var pointer: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(certificate, &pointer)
        guard length > 0, let pointer else { return [] }
        defer { CRYPTO_free(pointer, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(length)))
    }

    /// The subject's public key.
    public func publicKey() throws(StemmaError) -> PublicKey {
        guard let key = X509_get_pubkey(certificate) else {
            throw OpenSSLRuntime.error("could not read the certificate's public key")
        }
        return PublicKey(owning: key)
    }

    /// The subject name in RFC 2253 form (`CN=release,O=Acme`).
    public var subject: String {
        guard let bio = MemoryBIO() else { return "" }
        X509_NAME_print_ex(bio.bio, X509_get_subject_name(certificate), 0, COpenSSL_XN_FLAG_RFC2253())
        return String(decoding: bio.contents(), as: UTF8.self)
    }

    /// Whether the certificate may sign data. With a KeyUsage extension, only `digitalSignature` allows it, whatever
    /// the ExtendedKeyUsage says (RFC 5280 4.2.1.3: the key may be used only for the purposes KeyUsage lists);
    /// without one, ExtendedKeyUsage `codeSigning` is needed.
    ///
    /// Stricter than `model_signing` 1.1.1, which accepts KeyUsage `digitalSignature` *or* EKU `codeSigning`, so it
    /// takes a leaf whose KeyUsage is only `keyCertSign` when its EKU says `codeSigning`. A certificate whose
    /// extensions OpenSSL cannot parse reports a KeyUsage of 0 and is refused.
    public var allowsDigitalSignature: Bool {
        let keyUsage = X509_get_key_usage(certificate)
        if keyUsage != UInt32.max { return keyUsage & UInt32(KU_DIGITAL_SIGNATURE) != 0 }
        let extendedUsage = X509_get_extended_key_usage(certificate)
        return extendedUsage != UInt32.max && extendedUsage & UInt32(XKU_CODE_SIGN) != 0
    }
}
