import Foundation
import StemmaCore
import StemmaCrypto
import StemmaFormats
import StemmaTestSupport
import StemmaVerification
import Testing

/// Statements that a careless or hostile signer could sign validly: each must fail before any file is opened.
@Suite struct HostileManifestTests {
    private func verifyCrafted(_ statement: [UInt8], payloadType: String = DSSE.inTotoPayloadType) throws
        -> VerifyReport
    {
        let folder = try TemporaryFolder()
        try folder.write("m/a.bin", "a")
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try Fixtures.craftBundle(
            statement: statement, key: keys.private, to: folder.url("m.sig"), payloadType: payloadType)
        return try Fixtures.verify(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
    }

    @Test func rootDigestThatDisagreesWithResources() throws {
        let report = try verifyCrafted(
            try Fixtures.statement(resources: [("a.bin", Array("a".utf8))], rootDigest: Array(repeating: 7, count: 32)))
        #expect(report.codes == ["manifest.root-digest-mismatch"])
    }

    @Test func duplicateResourceNames() throws {
        let report = try verifyCrafted(
            try Fixtures.statement(resources: [("a.bin", Array("a".utf8)), ("a.bin", Array("a".utf8))]))
        #expect(report.codes.contains("manifest.duplicate-resource"))
        #expect(report.verdict == .failed)
    }

    @Test(arguments: ["../../etc/passwd", "/etc/passwd", "a/../../x", "a//b"])
    func unsafeResourceNames(_ name: String) throws {
        let report = try verifyCrafted(
            try Fixtures.statement(resources: [("a.bin", Array("a".utf8)), (name, Array("x".utf8))]))
        #expect(report.codes.contains("manifest.unsafe-name"))
        #expect(
            !report.codes.contains("integrity.missing-file"),
            "the unsafe name must stop verification before files are matched")
    }

    @Test func unsupportedHashType() throws {
        let report = try verifyCrafted(
            try Fixtures.statement(resources: [("a.bin", Array("a".utf8))], hashType: "blake3"))
        #expect(report.codes == ["manifest.unsupported-algorithm"])
    }

    @Test func payloadThatIsNotAnInTotoStatement() throws {
        let report = try verifyCrafted(Array(#"{"hello": "world"}"#.utf8))
        #expect(report.codes == ["manifest.invalid-statement"])
        let wrongType = try verifyCrafted(
            try Fixtures.statement(resources: [("a.bin", Array("a".utf8))], type: "https://in-toto.io/Statement/v0.1"))
        #expect(wrongType.codes == ["manifest.invalid-statement"])
    }

    @Test func signatureOverADifferentPayloadType() throws {
        let report = try verifyCrafted(
            try Fixtures.statement(resources: [("a.bin", Array("a".utf8))]), payloadType: "application/json")
        #expect(report.codes == ["signature.payload-type"])
    }

    @Test func aBundleWithBothAKeyAndACertificateChainIsRefused() throws {
        let folder = try TemporaryFolder()
        try folder.write("m/a.bin", "a")
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try Fixtures.craftBundle(
            statement: try Fixtures.statement(resources: [("a.bin", Array("a".utf8))]), key: keys.private,
            to: folder.url("m.sig"))
        #expect(
            try Fixtures.verify(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public).verdict
                == .verified)
        let text = String(decoding: try folder.read("m.sig"), as: UTF8.self).replacingOccurrences(
            of: #""tlogEntries""#, with: #""x509CertificateChain":{"certificates":[{"rawBytes":"AA=="}]},"tlogEntries""#
        )
        try folder.write("m.sig", text)
        let report = try Fixtures.verify(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        #expect(report.codes == ["signature.ambiguous-material"], "\(report.findings)")
    }

    @Test func aValidCraftedStatementVerifies() throws {
        let report = try verifyCrafted(try Fixtures.statement(resources: [("a.bin", Array("a".utf8))]))
        #expect(report.verdict == .verified, "\(report.findings)")
    }

    @Test(arguments: [
        "{", #"{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.3"}"#,
        #"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{},"dsseEnvelope":{}}"#,
    ])
    func malformedBundlesAreErrorsNamingTheFile(_ text: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("m/a.bin", "a")
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        let signature = try folder.write("bad.sig", text)
        do {
            _ = try Fixtures.verify(folder.url("m"), signature: signature, publicKey: keys.public)
            Issue.record("a malformed bundle must not verify")
        } catch let error as StemmaError {
            #expect(error.message.contains("bad.sig"))
        }
    }
}
