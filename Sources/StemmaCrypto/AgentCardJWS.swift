public import StemmaCore

/// A2A agent-card signatures (A2A spec §8.4): each `signatures[]` entry is a flattened JWS (RFC 7515) with a
/// detached payload, the RFC 8785 canonical card without `signatures`. The signing input is
/// `protected '.' BASE64URL(JCS(card))` (the standard `b64: true` form; RFC 7797 unencoded payloads are refused).
///
/// Keys come only from the JWKS the caller gives, by `kid`; a `jku` in a header is recorded and never fetched.
/// One valid signature by a trusted key is enough; `alg: none`, an unknown `kid`, or an algorithm the key does
/// not belong to never counts.
public enum AgentCardJWS {
    /// At most this many signatures are examined; a card with more is judged on the first ones.
    public static let maxSignatures = 16

    /// The JCS bytes of the card without `signatures`: the detached JWS payload, and what a posture attestation's
    /// subject digest covers.
    /// - Throws: ``StemmaError`` `.malformedInput` when the card is not an object or holds a number that is not
    ///   a finite double.
    public static func canonicalPayload(_ card: JSONValue) throws(StemmaError) -> [UInt8] {
        guard case .object(let members) = card else {
            throw StemmaError(.malformedInput, "an agent card must be a JSON object")
        }
        return try JCS.canonical(.object(members.filter { !$0.0.isExactly("signatures") }))
    }

    /// The lowercase hex SHA-256 of ``canonicalPayload(_:)``.
    public static func cardDigest(_ card: JSONValue) throws(StemmaError) -> String {
        Hex.encode(try Digest.compute(.sha256, try canonicalPayload(card)))
    }

    /// Checks every signature (up to ``maxSignatures``) against `jwks` (`{"keys": [...]}`).
    /// - Throws: ``StemmaError`` when the card cannot be canonicalized; a bad signature is a result, not an error.
    public static func verify(card: JSONValue, jwks: JSONValue) throws(StemmaError) -> CardVerification {
        let payload = try canonicalPayload(card)
        let digest = Hex.encode(try Digest.compute(.sha256, payload))
        let encodedPayload = Base64URL.encode(payload)
        guard let signatures = card["signatures"]?.arrayValue, !signatures.isEmpty else {
            return CardVerification(cardDigest: digest, checks: [])
        }
        let keys = jwks["keys"]?.arrayValue ?? []
        var checks: [CardSignatureCheck] = []
        for (index, entry) in signatures.prefix(maxSignatures).enumerated() {
            checks.append(check(entry, index: index, payload: encodedPayload, keys: keys))
        }
        return CardVerification(cardDigest: digest, checks: checks, examinedAll: signatures.count <= maxSignatures)
    }

    private static func check(
        _ entry: JSONValue, index: Int, payload: String, keys: [JSONValue]
    ) -> CardSignatureCheck {
        var result = CardSignatureCheck(index: index)
        guard let protected = entry["protected"]?.stringValue, let value = entry["signature"]?.stringValue,
            protected.utf8.count <= 8192, value.utf8.count <= 8192,
            let headerBytes = Base64URL.decode(protected),
            let header = try? JSONParser.parse(
                headerBytes, limits: JSONLimits(maxBytes: 8192, maxDepth: 8, maxValues: 256), source: "JWS header"),
            header.objectValue != nil,
            let signature = Base64URL.decode(value)
        else {
            return result.with(.malformed, "not a flattened JWS with a base64url protected header and signature")
        }
        result.kid = header["kid"]?.stringValue
        result.algorithm = header["alg"]?.stringValue
        result.jku = header["jku"]?.stringValue
        guard let name = result.algorithm, let algorithm = JWSAlgorithm(rawValue: name) else {
            return result.with(.unsupported, "algorithm '\(result.algorithm ?? "none")' never counts")
        }
        if header["crit"] != nil || header["b64"] != nil {
            return result.with(.unsupported, "critical header parameters (crit, b64) are not supported")
        }
        guard let kid = result.kid else { return result.with(.untrusted, "the protected header names no kid") }
        let candidates = keys.filter { $0["kid"]?.stringValue?.isExactly(kid) == true }
        guard !candidates.isEmpty else { return result.with(.untrusted, "no key '\(kid)' in the given JWKS") }
        let input = Array((protected + "." + payload).utf8)
        for jwk in candidates where JWK.permits(jwk, algorithm) {
            if let key = JWK.publicKey(jwk), algorithm.isValid(signature, over: input, by: key) {
                return result.with(.valid, "verified with key '\(kid)'")
            }
        }
        return result.with(.invalid, "the \(name) signature does not verify with key '\(kid)'")
    }

    /// Adds a signature by `key` to `card` (after any it already has): protected header
    /// `{"alg", "kid", "typ": "JOSE", "jku"?}`, payload the card without `signatures`.
    /// - Throws: ``StemmaError`` when the card is not an object, cannot be canonicalized, or the key cannot sign.
    public static func sign(
        card: JSONValue, key: PrivateKey, kid: String, jku: String? = nil
    ) throws(StemmaError) -> JSONValue {
        let payload = try canonicalPayload(card)
        let algorithm = try JWSAlgorithm.forSigning(with: key)
        var header: [(String, JSONValue)] = [("alg", .string(algorithm.rawValue)), ("kid", .string(kid))]
        if let jku { header.append(("jku", .string(jku))) }
        header.append(("typ", .string("JOSE")))
        let protected = Base64URL.encode(try JCS.canonical(.object(header)))
        let input = Array((protected + "." + Base64URL.encode(payload)).utf8)
        let signature = try algorithm.sign(input, with: key)
        let entry = JSONValue.object([
            ("protected", .string(protected)), ("signature", .string(Base64URL.encode(signature))),
        ])
        guard case .object(var members) = card else {
            throw StemmaError(.malformedInput, "an agent card must be a JSON object")
        }
        if let position = members.firstIndex(where: { $0.0.isExactly("signatures") }) {
            guard let existing = members[position].1.arrayValue else {
                throw StemmaError(.malformedInput, "the card's \"signatures\" member is not an array")
            }
            members[position].1 = .array(existing + [entry])
        } else {
            members.append(("signatures", .array([entry])))
        }
        return .object(members)
    }
}

/// The outcome of one `signatures[]` entry.
public struct CardSignatureCheck: Sendable, Equatable {
    /// What became of the signature.
    public enum Status: String, Sendable {
        /// Verifies with a key of the given JWKS.
        case valid
        /// Names a kid the JWKS does not hold (or none): it never counts.
        case untrusted
        /// The key exists but the signature does not verify (tampered card, wrong key).
        case invalid
        /// `alg: none`, an unknown algorithm, or critical header parameters: it never counts.
        case unsupported
        /// Not a JWS.
        case malformed
    }

    /// The position in `signatures`.
    public let index: Int
    public internal(set) var kid: String?
    public internal(set) var algorithm: String?
    /// The header's `jku`, reported and never fetched.
    public internal(set) var jku: String?
    public internal(set) var status: Status = .malformed
    public internal(set) var reason = ""

    init(index: Int) { self.index = index }

    func with(_ status: Status, _ reason: String) -> CardSignatureCheck {
        var copy = self
        copy.status = status
        copy.reason = reason
        return copy
    }
}

/// All signatures of one card, checked.
public struct CardVerification: Sendable {
    /// Lowercase hex SHA-256 of the JCS card without `signatures`.
    public let cardDigest: String
    public let checks: [CardSignatureCheck]
    /// False when the card had more than ``AgentCardJWS/maxSignatures`` signatures.
    public var examinedAll = true

    init(cardDigest: String, checks: [CardSignatureCheck], examinedAll: Bool = true) {
        self.cardDigest = cardDigest
        self.checks = checks
        self.examinedAll = examinedAll
    }

    /// Whether one signature verifies with a trusted key.
    public var isValid: Bool { checks.contains { $0.status == .valid } }

    /// The kid of the first valid signature.
    public var validKid: String? { checks.first { $0.status == .valid }?.kid }

    /// The report as JSON.
    public func jsonValue() -> JSONValue {
        .object([
            ("schemaVersion", .integer(1)),
            ("valid", .bool(isValid)),
            ("cardDigest", .object([("sha256", .string(cardDigest))])),
            (
                "signatures",
                .array(
                    checks.map { check in
                        var members: [(String, JSONValue)] = [
                            ("index", .integer(check.index)), ("status", .string(check.status.rawValue)),
                        ]
                        if let kid = check.kid { members.append(("kid", .string(kid))) }
                        if let alg = check.algorithm { members.append(("alg", .string(alg))) }
                        if let jku = check.jku { members.append(("jku", .string(jku))) }
                        members.append(("reason", .string(check.reason)))
                        return .object(members)
                    })
            ),
        ])
    }
}
