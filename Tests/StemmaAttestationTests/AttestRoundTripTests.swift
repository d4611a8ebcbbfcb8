import StemmaAttestation
import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

@Suite struct AttestRoundTripTests {
    @Test(arguments: ["P-256", "P-384", "ED25519"])
    func attestThenVerify(algorithm: String) throws {
        let fixture = try AttestationFixture(algorithm: algorithm)
        let envelope = try fixture.attest()
        let verdict = try fixture.verify(envelope)
        #expect(verdict.isVerified, "\(verdict.reasons)")
        #expect(verdict.predicateType == PredicateTypes.cycloneDX)
        #expect(
            verdict.subjects == [
                AttestationSubject(
                    name: "support-agent",
                    digests: [("sha256", "0be8a603f4495047526e09f396ffa6dd43e5a0e0320768dd32f856033e9e3a7f")])
            ])
        // The keyid convention, computed independently by the openssl CLI: SHA-256 of the DER SPKI.
        let der = try Command.succeed(
            "sh", ["-c", "openssl pkey -pubin -in '\(fixture.publicKey)' -outform DER | sha256sum"])
        #expect(verdict.signers == [String(der.prefix(64))])
    }

    @Test func envelopeCarriesStatementAndPaddedBase64() throws {
        let fixture = try AttestationFixture(algorithm: "ED25519")
        let envelope = try fixture.readJSON(try fixture.attest())
        #expect(envelope["payloadType"]?.stringValue == DSSE.inTotoPayloadType)
        let payloadText = try #require(envelope["payload"]?.stringValue)
        let payload = try #require(Base64.decode(payloadText))
        let statement = try JSONParser.parse(payload, source: "payload")
        #expect(statement["_type"]?.stringValue == "https://in-toto.io/Statement/v1")
        #expect(statement["predicate"]?["bomFormat"]?.stringValue == "CycloneDX")
        let signature = try #require(envelope["signatures"]?.arrayValue?.first)
        #expect(signature["keyid"]?.stringValue?.count == 64)
        #expect(signature["sig"]?.stringValue?.hasSuffix("==") == true)  // 64-byte Ed25519 signature, padded
    }

    @Test func bundleRoundTrip() throws {
        let fixture = try AttestationFixture()
        let path = try fixture.attest({ $0.bundle = true })
        let bundle = try fixture.readJSON(path)
        #expect(bundle["mediaType"]?.stringValue == SigstoreBundle.mediaType)
        #expect(bundle["verificationMaterial"]?["tlogEntries"] == .array([]))
        #expect(try fixture.verify(path).isVerified)
    }

    @Test func subjectFilesAreNamedAsGivenAndMatched() throws {
        let fixture = try AttestationFixture()
        let artifact = try fixture.folder.write("agent-2.3.0.tar.gz", "artifact bytes")
        let path = try fixture.attest({ $0.subjects = [artifact] })
        let verdict = try fixture.verify(path, subjects: [artifact])
        #expect(verdict.isVerified, "\(verdict.reasons)")
        #expect(verdict.subjects.map(\.name) == [artifact])
        #expect(verdict.subjects.first?.sha256 == (try Digest.sha256Hex(Array("artifact bytes".utf8))))
    }

    @Test func withoutAComponentHashTheBOMItselfIsTheSubject() throws {
        let fixture = try AttestationFixture()
        let bytes = Array(#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1}"#.utf8)
        let bom = try fixture.folder.write("bare.cdx.json", bytes)
        let path = try fixture.attest({ $0.document = bom })
        let verdict = try fixture.verify(path, subjects: [bom])
        #expect(verdict.isVerified, "\(verdict.reasons)")
        #expect(verdict.subjects.map(\.name) == ["bare.cdx.json"])
        #expect(verdict.subjects.first?.sha256 == (try Digest.sha256Hex(bytes)))
    }

    @Test func spdx3IsDetectedAndOtherJSONNeedsAPredicateType() throws {
        let fixture = try AttestationFixture()
        let spdx = try fixture.folder.write(
            "ai.spdx.json", #"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}"#)
        #expect(try fixture.verify(fixture.attest({ $0.document = spdx })).predicateType == PredicateTypes.spdx3)
        let other = try fixture.folder.write("other.json", #"{"a":1}"#)
        #expect(throws: StemmaError.self) { try fixture.attest({ $0.document = other }) }
        let custom = try fixture.attest({
            $0.document = other
            $0.predicateType = "https://example.com/custom/v1"
        })
        #expect(try fixture.verify(custom).predicateType == "https://example.com/custom/v1")
        let text = try fixture.folder.write("notes.txt", "not json")
        #expect(throws: StemmaError.self) { try fixture.attest({ $0.document = text }) }
    }
}
