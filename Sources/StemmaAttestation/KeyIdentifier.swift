public import StemmaCrypto

/// The DSSE `keyid` convention Stemma writes: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
public enum KeyIdentifier {
    /// The key id of `key` (empty only if OpenSSL cannot serialise the key).
    public static func of(_ key: PublicKey) -> String {
        (try? Digest.sha256Hex(key.derSubjectPublicKeyInfo())) ?? ""
    }
}
