internal import COpenSSL
import StemmaCore

/// Verifies a leaf certificate against trusted certificates with OpenSSL's X.509 verifier.
///
/// Validity periods are checked at the current time (unlike `model_signing` 1.1.1, which checks at the leaf's
/// notBefore and so accepts expired leaves). Any certificate the user trusts may anchor the chain
/// (`X509_V_FLAG_PARTIAL_CHAIN`), because `--certificate-chain` names trusted roots *and* intermediates.
public struct CertificateChainVerifier: Sendable {
    /// The certificates the user trusts.
    public let trusted: [Certificate]

    /// Creates a verifier over trusted certificates.
    public init(trusted: [Certificate]) { self.trusted = trusted }

    /// Nil when `leaf` chains to a trusted certificate through `intermediates`; otherwise OpenSSL's reason.
    public func failureReason(leaf: Certificate, intermediates: [Certificate]) -> String? {
        OpenSSLRuntime.ensureInitialized()
        OpenSSLRuntime.clearErrors()
        guard let store = X509_STORE_new() else { return "could not allocate an X.509 store" }
        defer { X509_STORE_free(store) }
        for certificate in trusted where X509_STORE_add_cert(store, certificate.certificate) != 1 {
            OpenSSLRuntime.clearErrors()  // a duplicate trusted certificate is harmless
        }
        X509_STORE_set_flags(store, UInt(X509_V_FLAG_PARTIAL_CHAIN))
        guard let untrusted = COpenSSL_sk_X509_new_null() else { return "could not allocate a certificate stack" }
        // The stack holds extra references so freeing it leaves our owners intact.
        defer { COpenSSL_sk_X509_pop_free(untrusted) }
        for certificate in intermediates {
            X509_up_ref(certificate.certificate)
            _ = COpenSSL_sk_X509_push(untrusted, certificate.certificate)
        }
        guard let context = X509_STORE_CTX_new() else { return "could not allocate a verification context" }
        defer { X509_STORE_CTX_free(context) }
        guard X509_STORE_CTX_init(context, store, leaf.certificate, untrusted) == 1 else {
            return "could not start chain verification: \(OpenSSLRuntime.drainErrors())"
        }
        if X509_verify_cert(context) == 1 { return nil }
        let code = X509_STORE_CTX_get_error(context)
        OpenSSLRuntime.clearErrors()
        return String(cString: X509_verify_cert_error_string(Int(code)))
    }
}
