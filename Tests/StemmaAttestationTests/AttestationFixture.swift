import StemmaAttestation
import StemmaCore
import StemmaCrypto
import StemmaTestSupport

/// A temporary folder with a small CycloneDX BOM, a signing key and its public key.
struct AttestationFixture {
    static let bom = """
        {"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
         "metadata":{"component":{"type":"application","name":"support-agent","version":"2.3.0",
          "hashes":[{"alg":"SHA-256","content":"0BE8A603F4495047526E09F396FFA6DD43E5A0E0320768DD32F856033E9E3A7F"}]}},
         "components":[]}
        """

    let folder: TemporaryFolder
    let bomPath: String
    let privateKey: String
    let publicKey: String

    init(algorithm: String = "P-256") throws {
        folder = try TemporaryFolder()
        bomPath = try folder.write("agent.cdx.json", Self.bom)
        (privateKey, publicKey) = try TestKeys.generate(algorithm, named: "signer", in: folder)
    }

    /// Attests the BOM (or `document`) and writes the output to `name`.
    @discardableResult
    func attest(_ configure: (inout AttestRequest) -> Void = { _ in }, to name: String = "envelope.json") throws
        -> String
    {
        var request = AttestRequest(document: bomPath, privateKey: privateKey)
        configure(&request)
        let attestation = try Attester.attest(request)
        return try folder.write(name, JSONWriter(indent: 2).bytes(attestation.output))
    }

    /// Verifies `envelope` with the fixture's public key (or `keys`).
    func verify(_ envelope: String, keys: [String]? = nil, subjects: [String] = []) throws -> AttestationVerdict {
        var request = VerifyAttestationRequest(envelope: envelope, trust: .publicKeys(keys ?? [publicKey]))
        request.subjects = subjects
        return try AttestationVerifier.verify(request)
    }

    /// Signs `payload` as `payloadType` with the fixture's key and writes the envelope JSON to `name`.
    func writeEnvelope(payload: [UInt8], payloadType: String = DSSE.inTotoPayloadType, name: String) throws -> String {
        let key = try PrivateKey(pem: try folder.read("signer.pem"), source: privateKey)
        let signature = try key.sign(DSSE.preAuthenticationEncoding(payloadType: payloadType, payload: payload))
        let envelope = DSSEEnvelope(
            payloadType: payloadType, payload: payload,
            signatures: [.init(keyid: KeyIdentifier.of(try key.publicKey()), sig: signature)])
        return try folder.write(name, JSONWriter().bytes(envelope.jsonValue()))
    }

    /// The envelope at `path` as a JSON value.
    func readJSON(_ path: String) throws -> JSONValue {
        try JSONParser.parse(try folder.read(String(path.dropFirst(folder.path.count + 1))), source: path)
    }
}

extension JSONValue {
    /// A copy with the top-level member `key` replaced by `value`.
    func replacing(_ key: String, with value: JSONValue) -> JSONValue {
        guard let members = objectValue else { return self }
        return .object(members.map { $0.0 == key ? (key, value) : $0 })
    }
}
