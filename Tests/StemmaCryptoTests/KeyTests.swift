import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

@Suite struct KeyTests {
    @Test(arguments: [
        ("P-256", KeyType.ecdsaP256), ("P-384", .ecdsaP384), ("P-521", .ecdsaP521), ("ED25519", .ed25519),
    ])
    func signsAndVerifiesAndRefusesTampering(_ algorithm: String, _ expected: KeyType) throws {
        let folder = try TemporaryFolder()
        let paths = try TestKeys.generate(algorithm, named: "k", in: folder)
        let privateKey = try PrivateKey(pem: try folder.read("k.pem"), source: paths.private)
        let publicKey = try PublicKey(pem: try folder.read("k.pub.pem"), source: paths.public)
        #expect(privateKey.type == expected)
        #expect(publicKey.type == expected)
        let message = Array("DSSEv1 28 application/vnd.in-toto+json 2 {}".utf8)
        let signature = try privateKey.sign(message)
        #expect(publicKey.isValidSignature(signature, over: message))
        var tampered = message
        tampered[tampered.count - 1] ^= 1
        #expect(!publicKey.isValidSignature(signature, over: tampered))
        #expect(!publicKey.isValidSignature([], over: message))
        #expect(!publicKey.isValidSignature(Array(signature.dropLast()), over: message))
    }

    /// OMS's key hint is the SHA-256 of the PEM text `openssl pkey -pubout` writes; check against `sha256sum`.
    @Test func modelSigningHintIsTheSHA256OfThePEMText() throws {
        let folder = try TemporaryFolder()
        let paths = try TestKeys.generate("P-256", named: "k", in: folder)
        let publicKey = try PublicKey(pem: try folder.read("k.pub.pem"), source: paths.public)
        let expected = try Command.succeed("sha256sum", [paths.public]).split(separator: " ").first.map(String.init)
        #expect(publicKey.modelSigningHint() == expected)
        #expect(try PrivateKey(pem: try folder.read("k.pem"), source: "k").publicKey().modelSigningHint() == expected)
    }

    @Test func theWrongKeyDoesNotVerify() throws {
        let folder = try TemporaryFolder()
        try TestKeys.generate("P-256", named: "a", in: folder)
        try TestKeys.generate("P-256", named: "b", in: folder)
        let signature = try PrivateKey(pem: try folder.read("a.pem"), source: "a").sign([1, 2, 3])
        let other = try PublicKey(pem: try folder.read("b.pub.pem"), source: "b")
        #expect(!other.isValidSignature(signature, over: [1, 2, 3]))
    }

    @Test func rsaIsRecognisedButNotAllowedForModelSigning() throws {
        let folder = try TemporaryFolder()
        try TestKeys.generate("RSA", named: "r", in: folder)
        let key = try PublicKey(pem: try folder.read("r.pub.pem"), source: "r")
        #expect(!key.type.isAllowedForModelSigning)
    }

    @Test func malformedKeysNameTheFile() {
        do {
            _ = try PublicKey(pem: Array("not a key".utf8), source: "release.pub.pem")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("release.pub.pem"))
        }
        #expect(throws: StemmaError.self) {
            try PrivateKey(pem: Array("-----BEGIN ENCRYPTED PRIVATE KEY-----\n".utf8), source: "k.pem")
        }
    }
}
