import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

/// Certificates made with the `openssl` CLI: a root CA, a leaf it signs, and an unrelated CA.
@Suite struct CertificateTests {
    private func makeChain(in folder: TemporaryFolder, leafUsage: String) throws {
        try folder.write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n")
        try folder.write("leaf.ext", "basicConstraints=CA:FALSE\nkeyUsage=critical,\(leafUsage)\n")
        for name in ["root", "other", "leaf"] { try TestKeys.generate("P-256", named: name, in: folder) }
        for name in ["root", "other"] {
            try Command.succeed(
                "openssl",
                [
                    "req", "-new", "-x509", "-key", folder.url(name + ".pem"), "-subj", "/CN=\(name) CA", "-days", "30",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                    "-out", folder.url(name + ".crt"),
                ])
        }
        try Command.succeed(
            "openssl",
            [
                "req", "-new", "-key", folder.url("leaf.pem"), "-subj", "/CN=signer/O=Acme", "-out",
                folder.url("leaf.csr"),
            ])
        try Command.succeed(
            "openssl",
            [
                "x509", "-req", "-in", folder.url("leaf.csr"), "-CA", folder.url("root.crt"), "-CAkey",
                folder.url("root.pem"),
                "-CAcreateserial", "-days", "10", "-extfile", folder.url("leaf.ext"), "-out", folder.url("leaf.crt"),
            ])
    }

    @Test func leafChainsToItsRootAndNotToAnother() throws {
        let folder = try TemporaryFolder()
        try makeChain(in: folder, leafUsage: "digitalSignature")
        let leaf = try Certificate.loadPEM(try folder.read("leaf.crt"), source: "leaf")[0]
        let root = try Certificate.loadPEM(try folder.read("root.crt"), source: "root")
        let other = try Certificate.loadPEM(try folder.read("other.crt"), source: "other")
        #expect(CertificateChainVerifier(trusted: root).failureReason(leaf: leaf, intermediates: []) == nil)
        #expect(CertificateChainVerifier(trusted: other).failureReason(leaf: leaf, intermediates: []) != nil)
        #expect(leaf.allowsDigitalSignature)
        #expect(leaf.subject == "O=Acme,CN=signer")
        let reparsed = try Certificate(der: leaf.derBytes(), source: "der")
        #expect(reparsed.derBytes() == leaf.derBytes())
    }

    @Test func keyUsageWithoutDigitalSignatureIsRefused() throws {
        let folder = try TemporaryFolder()
        try makeChain(in: folder, leafUsage: "keyEncipherment")
        let leaf = try Certificate.loadPEM(try folder.read("leaf.crt"), source: "leaf")[0]
        #expect(!leaf.allowsDigitalSignature)
    }

    @Test func pemWithoutCertificatesNamesTheFile() {
        do {
            _ = try Certificate.loadPEM(Array("nothing".utf8), source: "chain.pem")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("chain.pem"))
        }
    }
}
