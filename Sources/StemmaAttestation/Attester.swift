public import StemmaCore
import StemmaCrypto

/// What `stemma attest` is asked to do.
public struct AttestRequest: Sendable {
    /// The JSON document to embed as the predicate (a BOM, usually).
    public var document: String
    /// The PEM private key (ECDSA P-256/P-384/P-521 or Ed25519).
    public var privateKey: String
    /// Files to name as subjects; empty means the BOM's top-level artifact.
    public var subjects: [String] = []
    /// The predicate type; nil means detect it from the document.
    public var predicateType: String?
    /// Wrap the envelope in a Sigstore bundle v0.3.
    public var bundle = false

    /// Creates a request with the required inputs.
    public init(document: String, privateKey: String) {
        self.document = document
        self.privateKey = privateKey
    }
}

/// A signed attestation, ready to write.
public struct Attestation: Sendable {
    /// The statement that was signed.
    public var statement: InTotoStatement
    /// The envelope holding it.
    public var envelope: DSSEEnvelope
    /// The signer's key id.
    public var keyid: String
    /// The JSON to write: the envelope, or the bundle around it.
    public var output: JSONValue
}

/// Wraps a JSON document as the predicate of an in-toto Statement v1 and signs it in a DSSE envelope.
public enum Attester {
    /// Builds and signs the attestation `request` describes.
    /// - Throws: ``StemmaError`` naming the file when the document, key or a subject cannot be read, the document
    ///   is not JSON, or no predicate type can be chosen.
    public static func attest(_ request: AttestRequest) throws(StemmaError) -> Attestation {
        let bytes = try BoundedFile.read(request.document)
        let document = try JSONParser.parse(bytes, source: request.document)
        guard let predicateType = request.predicateType ?? PredicateTypes.detect(document) else {
            throw StemmaError(
                .usage,
                "'\(request.document)' is neither a CycloneDX nor an SPDX 3 document; give --predicate-type")
        }
        let subjects = try subjects(for: request, document: document, bytes: bytes)
        let statement = InTotoStatement(subjects: subjects, predicateType: predicateType, predicate: document)
        return try sign(statement, privateKey: request.privateKey, bundle: request.bundle)
    }

    /// Signs a statement built elsewhere (such as `stemma posture attest`'s) into a DSSE envelope.
    /// - Throws: ``StemmaError`` when the key cannot be read or cannot sign.
    public static func sign(_ statement: InTotoStatement, privateKey: String, bundle: Bool = false) throws(StemmaError)
        -> Attestation
    {
        let key = try PrivateKey(pem: try BoundedFile.read(privateKey, maxBytes: 1 << 20), source: privateKey)
        let keyid = KeyIdentifier.of(try key.publicKey())
        let payload = JSONWriter().bytes(statement.jsonValue())
        let pae = DSSE.preAuthenticationEncoding(payloadType: DSSE.inTotoPayloadType, payload: payload)
        let signature = DSSEEnvelope.Signature(keyid: keyid, sig: try key.sign(pae))
        let envelope = DSSEEnvelope(payloadType: DSSE.inTotoPayloadType, payload: payload, signatures: [signature])
        let output = bundle ? SigstoreBundle.jsonValue(envelope: envelope, hint: keyid) : envelope.jsonValue()
        return Attestation(statement: statement, envelope: envelope, keyid: keyid, output: output)
    }

    /// The `--subject` files, else the BOM's `metadata.component` with a SHA-256 hash, else the document itself.
    static func subjects(for request: AttestRequest, document: JSONValue, bytes: [UInt8]) throws(StemmaError)
        -> [AttestationSubject]
    {
        if !request.subjects.isEmpty {
            var subjects: [AttestationSubject] = []
            for path in request.subjects {
                let digest = try SubjectDigest.sha256(of: path)
                subjects.append(AttestationSubject(name: path, digests: [("sha256", digest)]))
            }
            return subjects
        }
        if let component = document["metadata"]?["component"], let name = component["name"]?.stringValue,
            let hashes = component["hashes"]?.arrayValue,
            let hex = hashes.first(where: { $0["alg"]?.stringValue == "SHA-256" })?["content"]?.stringValue?
                .lowercased(),
            hex.utf8.count == 64, InTotoStatement.isLowercaseHex(hex)
        {
            return [AttestationSubject(name: name, digests: [("sha256", hex)])]
        }
        let name = AttestationFile.lastComponent(request.document)
        return [AttestationSubject(name: name, digests: [("sha256", try Digest.sha256Hex(bytes))])]
    }
}
