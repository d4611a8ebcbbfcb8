internal import COpenSSL
public import StemmaCore

/// Public keys from JSON Web Keys (RFC 7517, RFC 7518 §6, RFC 8037): EC P-256/P-384, RSA and Ed25519 (OKP).
/// Private members (`d`, `p`, …) are ignored; the key goes to OpenSSL as a DER SubjectPublicKeyInfo, which
/// checks that an EC point lies on its curve.
public enum JWK {
    /// The public key a JWK describes, or nil when it is not one of the supported kinds or is malformed.
    public static func publicKey(_ jwk: JSONValue) -> PublicKey? {
        guard let der = subjectPublicKeyInfo(jwk) else { return nil }
        OpenSSLRuntime.ensureInitialized()
        OpenSSLRuntime.clearErrors()
        defer { OpenSSLRuntime.clearErrors() }
        var cursor: UnsafePointer<UInt8>?
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let key else { return nil }
        return PublicKey(owning: key)
    }

    /// Whether the JWK's own `use`/`key_ops`/`alg` members allow verifying a JWS with `algorithm`.
    public static func permits(_ jwk: JSONValue, _ algorithm: JWSAlgorithm) -> Bool {
        if let use = jwk["use"], use.stringValue != "sig" { return false }
        if let operations = jwk["key_ops"] {
            guard let list = operations.arrayValue, list.contains(where: { $0.stringValue == "verify" }) else {
                return false
            }
        }
        if let alg = jwk["alg"], alg.stringValue != algorithm.rawValue { return false }
        return true
    }

    /// The public JWK of `key` with `kid` (EC P-256/P-384, OKP Ed25519, RSA), or nil for other keys. Tests and
    /// tools use it to publish a JWKS for a PEM key.
    public static func export(_ key: PublicKey, kid: String) -> JSONValue? {
        let spki = key.derSubjectPublicKeyInfo()
        var members: [(String, JSONValue)]
        switch key.type {
        case .ecdsaP256, .ecdsaP384:
            let size = key.type == .ecdsaP256 ? 32 : 48
            guard spki.count > 2 * size, spki[spki.count - 2 * size - 1] == 0x04 else { return nil }
            members = [
                ("kty", .string("EC")), ("crv", .string(key.type == .ecdsaP256 ? "P-256" : "P-384")),
                ("x", .string(Base64URL.encode(Array(spki[(spki.count - 2 * size)..<(spki.count - size)])))),
                ("y", .string(Base64URL.encode(Array(spki.suffix(size))))),
            ]
        case .ed25519:
            members = [
                ("kty", .string("OKP")), ("crv", .string("Ed25519")),
                ("x", .string(Base64URL.encode(Array(spki.suffix(32))))),
            ]
        case .ecdsaP521:
            return nil
        case .unsupported:
            guard JWSAlgorithm.algorithm(for: key.key) == .rs256, let n = bigNumber(key.key, "n"),
                let e = bigNumber(key.key, "e")
            else { return nil }
            members = [
                ("kty", .string("RSA")), ("n", .string(Base64URL.encode(n))), ("e", .string(Base64URL.encode(e))),
            ]
        }
        members.append(("kid", .string(kid)))
        return .object(members)
    }

    private static func bigNumber(_ key: OpaquePointer, _ name: String) -> [UInt8]? {
        var number: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(key, name, &number) == 1, let number else { return nil }
        defer { BN_free(number) }
        var bytes = [UInt8](repeating: 0, count: Int((BN_num_bits(number) + 7) / 8))
        guard BN_bn2bin(number, &bytes) == Int32(bytes.count) else { return nil }
        return bytes
    }

    static func subjectPublicKeyInfo(_ jwk: JSONValue) -> [UInt8]? {
        func member(_ name: String) -> [UInt8]? { jwk[name]?.stringValue.flatMap(Base64URL.decode) }
        switch jwk["kty"]?.stringValue {
        case "EC":
            let (curveOID, size): ([UInt8], Int)
            switch jwk["crv"]?.stringValue {
            case "P-256": (curveOID, size) = ([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07], 32)
            case "P-384": (curveOID, size) = ([0x2b, 0x81, 0x04, 0x00, 0x22], 48)
            default: return nil
            }
            guard let x = member("x"), let y = member("y"), x.count == size, y.count == size else { return nil }
            let ecPublicKey: [UInt8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]
            let algorithm = DER.sequence(DER.tlv(0x06, ecPublicKey) + DER.tlv(0x06, curveOID))
            return DER.sequence(algorithm + DER.tlv(0x03, [0x00, 0x04] + x + y))
        case "OKP":
            guard jwk["crv"]?.stringValue == "Ed25519", let x = member("x"), x.count == 32 else { return nil }
            return DER.sequence(DER.sequence(DER.tlv(0x06, [0x2b, 0x65, 0x70])) + DER.tlv(0x03, [0x00] + x))
        case "RSA":
            // Bounded: a modulus over 16384 bits is refused before OpenSSL sees it.
            guard let n = member("n"), let e = member("e"), !n.isEmpty, n.count <= 2048, !e.isEmpty, e.count <= 8
            else { return nil }
            let rsaPublicKey = DER.sequence(DER.unsignedInteger(n) + DER.unsignedInteger(e))
            let rsaEncryption: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
            let algorithm = DER.sequence(DER.tlv(0x06, rsaEncryption) + DER.tlv(0x05, []))
            return DER.sequence(algorithm + DER.tlv(0x03, [0x00] + rsaPublicKey))
        default:
            return nil
        }
    }
}

/// The few DER encodings a SubjectPublicKeyInfo needs.
enum DER {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var length: [UInt8]
        if content.count < 0x80 {
            length = [UInt8(content.count)]
        } else {
            var remaining = content.count
            var bytes: [UInt8] = []
            while remaining > 0 {
                bytes.insert(UInt8(remaining & 0xFF), at: 0)
                remaining >>= 8
            }
            length = [0x80 | UInt8(bytes.count)] + bytes
        }
        return [tag] + length + content
    }

    static func sequence(_ content: [UInt8]) -> [UInt8] { tlv(0x30, content) }

    /// A non-negative INTEGER from big-endian magnitude bytes.
    static func unsignedInteger(_ magnitude: [UInt8]) -> [UInt8] {
        var body = Array(magnitude.drop { $0 == 0 })
        if body.isEmpty { body = [0] }
        if body[0] & 0x80 != 0 { body.insert(0, at: 0) }
        return tlv(0x02, body)
    }
}
