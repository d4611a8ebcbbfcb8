import StemmaAttestation
import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

/// `--certificate-chain`: the signing certificate comes from a Sigstore bundle and must chain to a trusted CA.
@Suite struct CertificateTrustTests {
    /// A CA and a leaf certificate for the fixture's key, made with the openssl CLI.
    private func makePKI(_ fixture: AttestationFixture) throws -> (ca: String, leafDER: [UInt8]) {
        let folder = fixture.folder
        let ca = folder.url("ca.pem")
        try Command.succeed(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                folder.url("ca.key"), "-out", ca, "-subj", "/CN=Test CA", "-days", "1",
            ])
        try Command.succeed(
            "openssl",
            ["req", "-new", "-key", fixture.privateKey, "-subj", "/CN=Signer", "-out", folder.url("leaf.csr")])
        _ = try folder.write("leaf.ext", "keyUsage=critical,digitalSignature\n")
        try Command.succeed(
            "openssl",
            [
                "x509", "-req", "-in", folder.url("leaf.csr"), "-CA", ca, "-CAkey", folder.url("ca.key"),
                "-CAcreateserial", "-days", "1", "-extfile", folder.url("leaf.ext"), "-outform", "DER", "-out",
                folder.url("leaf.der"),
            ])
        return (ca, try folder.read("leaf.der"))
    }

    /// A Sigstore bundle carrying `envelope` and the leaf certificate (DER).
    private static func bundle(_ envelope: JSONValue, leaf: [UInt8]) -> JSONValue {
        .object([
            ("mediaType", .string(SigstoreBundle.mediaType)),
            (
                "verificationMaterial",
                .object([("certificate", .object([("rawBytes", .string(Base64.encode(leaf)))]))])
            ),
            ("dsseEnvelope", envelope),
        ])
    }

    @Test func bundleCertificateChainingToTrustedCAVerifies() throws {
        let fixture = try AttestationFixture()
        let (ca, leaf) = try makePKI(fixture)
        let envelope = try fixture.readJSON(try fixture.attest())
        let path = try fixture.folder.write("bundle.json", JSONWriter().bytes(Self.bundle(envelope, leaf: leaf)))
        let verdict = try AttestationVerifier.verify(.init(envelope: path, trust: .certificateChains([ca])))
        #expect(verdict.isVerified, "\(verdict.reasons)")

        let stranger = try AttestationFixture()
        let (otherCA, _) = try makePKI(stranger)
        let untrusted = try AttestationVerifier.verify(.init(envelope: path, trust: .certificateChains([otherCA])))
        #expect(!untrusted.isVerified)
        #expect(untrusted.reasons.contains { $0.contains(path) && $0.contains("trusted CA") })
        withExtendedLifetime(stranger) {}
    }

    @Test func bareEnvelopeCarriesNoCertificate() throws {
        let fixture = try AttestationFixture()
        let (ca, _) = try makePKI(fixture)
        let envelope = try fixture.attest()
        let verdict = try AttestationVerifier.verify(.init(envelope: envelope, trust: .certificateChains([ca])))
        #expect(!verdict.isVerified)
        #expect(verdict.reasons.contains { $0.contains(envelope) && $0.contains("no signing certificate") })
    }

    /// A trust-roots folder (`signers.json`) holding copies of the given key and CA files.
    private func trustRoots(_ fixture: AttestationFixture, key: String? = nil, ca: String? = nil, leaf: String? = nil)
        throws -> String
    {
        var signers: [String] = []
        if let key {
            _ = try fixture.folder.write(
                "roots/key.pem", try fixture.folder.read(String(key.split(separator: "/").last!)))
            signers.append(#"{"name": "governance", "publicKeys": ["key.pem"], "models": ["*"]}"#)
        }
        if let ca {
            _ = try fixture.folder.write(
                "roots/ca.pem", try fixture.folder.read(String(ca.split(separator: "/").last!)))
            let subject = leaf.map { #", "leafSubject": "\#($0)""# } ?? ""
            signers.append(#"{"name": "platform-ca", "certificateChain": ["ca.pem"]\#(subject), "models": ["*"]}"#)
        }
        _ = try fixture.folder.write(
            "roots/signers.json", #"{"schemaVersion": 1, "signers": [\#(signers.joined(separator: ", "))]}"#)
        return fixture.folder.url("roots")
    }

    @Test func trustRootsKeysVerifyAndOtherKeysDoNot() throws {
        let fixture = try AttestationFixture()
        let envelope = try fixture.attest()
        let roots = try trustRoots(fixture, key: fixture.publicKey)
        #expect(try AttestationVerifier.verify(.init(envelope: envelope, trust: .trustRoots(roots))).isVerified)

        let stranger = try AttestationFixture()
        let strangerRoots = try trustRoots(stranger, key: stranger.publicKey)
        let verdict = try AttestationVerifier.verify(.init(envelope: envelope, trust: .trustRoots(strangerRoots)))
        #expect(!verdict.isVerified)
        #expect(verdict.reasons.contains { $0.contains("trusted key") })
    }

    @Test func trustRootsCertificateSignerMustMatchItsLeafSubject() throws {
        let fixture = try AttestationFixture()
        let (ca, leaf) = try makePKI(fixture)
        let envelope = try fixture.readJSON(try fixture.attest())
        let path = try fixture.folder.write("bundle.json", JSONWriter().bytes(Self.bundle(envelope, leaf: leaf)))
        let matching = try trustRoots(fixture, ca: ca, leaf: "CN=Sign*")
        #expect(try AttestationVerifier.verify(.init(envelope: path, trust: .trustRoots(matching))).isVerified)
        let other = try trustRoots(fixture, ca: ca, leaf: "CN=Someone else")
        let verdict = try AttestationVerifier.verify(.init(envelope: path, trust: .trustRoots(other)))
        #expect(!verdict.isVerified)
        #expect(verdict.reasons.contains { $0.contains("leafSubject") })
    }
}
