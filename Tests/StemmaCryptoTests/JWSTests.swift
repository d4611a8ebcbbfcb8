import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

@Suite struct JWSTests {
    private let card = #"{"name": "B", "url": "https://b.example", "params": {"ratio": 0.25, "n": 1E3}}"#

    @Test(arguments: [("P-256", "ES256"), ("P-384", "ES384"), ("ED25519", "EdDSA"), ("RSA", "RS256")])
    func signedCardVerifiesAndTamperingFails(_ keyAlgorithm: String, _ alg: String) throws {
        let folder = try TemporaryFolder()
        let paths = try TestKeys.generate(keyAlgorithm, named: "k", in: folder)
        let privateKey = try PrivateKey(pem: try folder.read("k.pem"), source: paths.private)
        let publicKey = try PublicKey(pem: try folder.read("k.pub.pem"), source: paths.public)
        #expect(try JWSAlgorithm.forSigning(with: privateKey).rawValue == alg)
        let jwk = try #require(JWK.export(publicKey, kid: "k1"))
        #expect(JWK.publicKey(jwk)?.derSubjectPublicKeyInfo() == publicKey.derSubjectPublicKeyInfo())
        let jwks = JSONValue.object([("keys", .array([jwk]))])

        let value = try JSONParser.parse(Array(card.utf8), source: "card")
        let signed = try AgentCardJWS.sign(card: value, key: privateKey, kid: "k1")
        let result = try AgentCardJWS.verify(card: signed, jwks: jwks)
        #expect(result.isValid && result.validKid == "k1")
        #expect(result.checks.first?.algorithm == alg)
        #expect(result.cardDigest == (try AgentCardJWS.cardDigest(value)))

        // Tampered: a member changed after signing.
        guard case .object(var members) = signed else { return }
        members[0].1 = .string("C")
        let tampered = try AgentCardJWS.verify(card: .object(members), jwks: jwks)
        #expect(!tampered.isValid && tampered.checks.first?.status == .invalid)
        // Unknown kid.
        let renamed = JSONValue.object([("keys", .array([try #require(JWK.export(publicKey, kid: "other"))]))])
        #expect(try AgentCardJWS.verify(card: signed, jwks: renamed).checks.first?.status == .untrusted)
        // A JWK that restricts itself to another algorithm does not verify this one.
        guard case .object(var restricted) = jwk else { return }
        restricted.append(("alg", .string(alg == "ES256" ? "ES384" : "ES256")))
        let narrowed = JSONValue.object([("keys", .array([.object(restricted)]))])
        #expect(!(try AgentCardJWS.verify(card: signed, jwks: narrowed)).isValid)
    }

    @Test func aSignatureUnderAnotherAlgorithmNameNeverVerifies() throws {
        let folder = try TemporaryFolder()
        let paths = try TestKeys.generate("P-256", named: "k", in: folder)
        let privateKey = try PrivateKey(pem: try folder.read("k.pem"), source: paths.private)
        let publicKey = try privateKey.publicKey()
        let input = Array("a.b".utf8)
        let signature = try JWSAlgorithm.es256.sign(input, with: privateKey)
        #expect(signature.count == 64)
        #expect(JWSAlgorithm.es256.isValid(signature, over: input, by: publicKey))
        #expect(!JWSAlgorithm.es384.isValid(signature, over: input, by: publicKey))
        #expect(!JWSAlgorithm.edDSA.isValid(signature, over: input, by: publicKey))
        #expect(!JWSAlgorithm.es256.isValid(Array(signature.dropLast()), over: input, by: publicKey))
    }

    @Test func malformedJWKsAreRefused() throws {
        let bad = [
            #"{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}"#,
            #"{"kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"}"#,
            #"{"kty": "OKP", "crv": "X25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#,
            #"{"kty": "oct", "k": "AAAA"}"#,
            // A point not on P-256: OpenSSL refuses it.
            #"{"kty": "EC", "crv": "P-256", "x": "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "y": "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}"#,
        ]
        for text in bad {
            #expect(JWK.publicKey(try JSONParser.parse(Array(text.utf8), source: "jwk")) == nil)
        }
    }
}
