import StemmaAttestation
import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

@Suite struct VerifyAttestationFailureTests {
    @Test func oneChangedPayloadByteFails() throws {
        let fixture = try AttestationFixture()
        let original = try fixture.readJSON(try fixture.attest())
        let payloadText = try #require(original["payload"]?.stringValue)
        var payload = try #require(Base64.decode(payloadText))
        let index = try #require(payload.firstIndex(of: UInt8(ascii: "2")))  // a digit inside the statement
        payload[index] = UInt8(ascii: "3")
        let tampered = try fixture.folder.write(
            "tampered.json", JSONWriter().bytes(original.replacing("payload", with: .string(Base64.encode(payload)))))
        let verdict = try fixture.verify(tampered)
        #expect(!verdict.isVerified)
        #expect(verdict.signers.isEmpty && verdict.subjects.isEmpty)
        #expect(verdict.reasons.contains { $0.contains(tampered) })
    }

    @Test func wrongKeyFailsNamingTheFile() throws {
        let fixture = try AttestationFixture()
        let other = try TestKeys.generate("P-256", named: "other", in: fixture.folder)
        let envelope = try fixture.attest()
        let verdict = try fixture.verify(envelope, keys: [other.public])
        #expect(!verdict.isVerified)
        #expect(verdict.reasons.contains { $0.contains(envelope) && $0.contains("trusted key") })
        // Any one trusted key that verifies is enough.
        #expect(try fixture.verify(envelope, keys: [other.public, fixture.publicKey]).isVerified)
    }

    @Test func wrongSubjectFailsNamingTheFile() throws {
        let fixture = try AttestationFixture()
        let artifact = try fixture.folder.write("agent.tar.gz", "signed")
        let envelope = try fixture.attest({ $0.subjects = [artifact] })
        _ = try fixture.folder.write("agent.tar.gz", "changed")
        let verdict = try fixture.verify(envelope, subjects: [artifact])
        #expect(!verdict.isVerified)
        #expect(verdict.reasons.count == 1 && verdict.reasons[0].contains(artifact))
        let stranger = try fixture.folder.write("stranger.bin", "unrelated")
        let unmatched = try fixture.verify(envelope, subjects: [stranger])
        #expect(unmatched.reasons.contains { $0.contains(stranger) && $0.contains("matches no subject") })
    }

    @Test func truncatedEnvelopeCannotBeChecked() throws {
        let fixture = try AttestationFixture()
        try fixture.attest(to: "whole.json")
        let bytes = try fixture.folder.read("whole.json")
        let truncated = try fixture.folder.write("truncated.json", Array(bytes.prefix(bytes.count / 2)))
        #expect {
            try fixture.verify(truncated)
        } throws: { error in
            (error as? StemmaError)?.description.contains(truncated) == true
        }
    }

    @Test func envelopeWithoutSignaturesFails() throws {
        let fixture = try AttestationFixture()
        let original = try fixture.readJSON(try fixture.attest())
        let unsigned = try fixture.folder.write(
            "unsigned.json", JSONWriter().bytes(original.replacing("signatures", with: .array([]))))
        let verdict = try fixture.verify(unsigned)
        #expect(!verdict.isVerified)
        #expect(verdict.reasons.contains { $0.contains(unsigned) && $0.contains("no signatures") })
    }

    @Test func wrongPayloadTypeFailsEvenWhenSigned() throws {
        let fixture = try AttestationFixture(algorithm: "ED25519")
        let statement = try fixture.readJSON(try fixture.attest())
        let payloadText = try #require(statement["payload"]?.stringValue)
        let payload = try #require(Base64.decode(payloadText))
        let signed = try fixture.writeEnvelope(payload: payload, payloadType: "application/json", name: "json.json")
        let verdict = try fixture.verify(signed)
        #expect(!verdict.isVerified)
        #expect(verdict.reasons.contains { $0.contains("payloadType") && $0.contains(signed) })
        // Changing the type after signing breaks the signature too, because the PAE covers it.
        let original = try fixture.readJSON(try fixture.attest())
        let relabelled = try fixture.folder.write(
            "relabelled.json",
            JSONWriter().bytes(original.replacing("payloadType", with: .string("application/vnd.in-toto.x+json"))))
        #expect(try fixture.verify(relabelled).signers.isEmpty)
    }

    @Test func unpaddedAndURLSafeBase64AreAcceptedOnRead() throws {
        let fixture = try AttestationFixture(algorithm: "ED25519")
        let envelope = try fixture.readJSON(try fixture.attest())
        func strip(_ text: String) -> String {
            String(text.filter { $0 != "=" }.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
        }
        let payload = try #require(envelope["payload"]?.stringValue)
        let signature = try #require(envelope["signatures"]?.arrayValue?.first)
        let sig = try #require(signature["sig"]?.stringValue)
        let rewritten = envelope.replacing("payload", with: .string(strip(payload))).replacing(
            "signatures", with: .array([signature.replacing("sig", with: .string(strip(sig)))]))
        let path = try fixture.folder.write("unpadded.json", JSONWriter().bytes(rewritten))
        let verdict = try fixture.verify(path)
        #expect(verdict.isVerified, "\(verdict.reasons)")
    }

    @Test(arguments: [
        #"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x","predicate":{}}"#,
        #"{"_type":"https://in-toto.io/Statement/v0.1","subject":[{"name":"a","digest":{"sha256":"ab"}}],"predicateType":"x"}"#,
        #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"AB"}}],"predicateType":"x"}"#,
        #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a"}],"predicateType":"x"}"#,
        #"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":"ab"}}]}"#,
        #"not json"#,
    ])
    func malformedStatementsFail(statement: String) throws {
        let fixture = try AttestationFixture()
        let path = try fixture.writeEnvelope(payload: Array(statement.utf8), name: "statement.json")
        let verdict = try fixture.verify(path)
        #expect(!verdict.isVerified)
        #expect(!verdict.signers.isEmpty)
        #expect(verdict.reasons.allSatisfy { $0.contains(path) })
    }
}
