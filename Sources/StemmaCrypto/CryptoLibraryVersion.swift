internal import COpenSSL

/// The OpenSSL Stemma runs on, for `stemma --version` (the library loaded at run time, not the headers).
public enum CryptoLibraryVersion {
    /// `OpenSSL 3.x.y DD Mon YYYY`.
    public static var current: String { String(cString: OpenSSL_version(OPENSSL_VERSION)) }
}
