public import StemmaCore
import StemmaCrypto

/// What `stemma verify-attestation` is asked to check.
public struct VerifyAttestationRequest: Sendable {
    /// A bare DSSE envelope or a Sigstore bundle wrapping one.
    public var envelope: String
    /// The keys or certificate authorities to trust.
    public var trust: AttestationTrust
    /// Files whose SHA-256 must equal a subject's digest.
    public var subjects: [String] = []

    /// Creates a request.
    public init(envelope: String, trust: AttestationTrust) {
        self.envelope = envelope
        self.trust = trust
    }
}

/// Checks a DSSE-signed in-toto attestation: signatures over the PAE first, then the statement, then subjects.
public enum AttestationVerifier {
    /// Checks the attestation `request` names.
    ///
    /// A failed check is a reason in the verdict. The payload is parsed only after a trusted signature verifies
    /// it, and the envelope is never re-parsed afterwards.
    /// - Throws: ``StemmaError`` only when the check cannot be made: an unreadable file, malformed JSON, an
    ///   unreadable key or certificate.
    public static func verify(_ request: VerifyAttestationRequest) throws(StemmaError) -> AttestationVerdict {
        let source = request.envelope
        let document = try JSONParser.parse(try BoundedFile.read(source), source: source)
        let trusted = try request.trust.load()
        var files: [(path: String, sha256: String)] = []
        // A subject file that is a JSON object also gets its RFC 8785 digest without `signatures`: an A2A card is
        // attested by that digest (subject "a2a-card:<name>"), so re-serialising the card does not break the match.
        var cardDigests: [String: String] = [:]
        for path in request.subjects {
            files.append((path, try SubjectDigest.sha256(of: path)))
            if let value = try? JSONParser.parse(try BoundedFile.read(path, maxBytes: 4 << 20), source: path),
                value.objectValue != nil, let digest = try? AgentCardJWS.cardDigest(value)
            {
                cardDigests[path] = digest
            }
        }

        var verdict = AttestationVerdict(envelope: source)
        let envelope: DSSEEnvelope
        let keys: [PublicKey]
        // JSON that is not shaped like a DSSE envelope (nor a bundle holding one) cannot be checked: exit 2, as for
        // unreadable input, not a "not verified" verdict about an attestation that is not there. An envelope whose
        // fields are damaged (a signature that is not base64) is an attestation that does not verify: a reason.
        let envelopeValue = SigstoreBundle.isBundle(document) ? document["dsseEnvelope"] ?? .null : document
        guard envelopeValue.objectValue != nil,
            ["payloadType", "payload", "signatures"].allSatisfy({ envelopeValue[$0] != nil })
        else {
            throw StemmaError(
                .malformedInput,
                "'\(source)' is not a DSSE envelope or a Sigstore bundle (an object with payloadType, payload and "
                    + "signatures)")
        }
        do {
            envelope = try DSSEEnvelope(jsonValue: envelopeValue, source: source)
        } catch {
            verdict.reasons.append("\(error)")
            return verdict
        }
        do {
            keys = try trusted.candidateKeys(bundle: document, source: source).get()
        } catch {
            verdict.reasons.append("\(error)")
            return verdict
        }
        if !isInTotoPayloadType(envelope.payloadType) {
            verdict.reasons.append("'\(source)': payloadType \"\(envelope.payloadType)\" is not an in-toto type")
        }
        verdict.signers = signers(of: envelope, keys: keys)
        if envelope.signatures.isEmpty {
            verdict.reasons.append("'\(source)': the envelope has no signatures")
        } else if verdict.signers.isEmpty {
            verdict.reasons.append(
                "'\(source)': none of its \(envelope.signatures.count) signature(s) verifies with a trusted key")
        }
        guard !verdict.signers.isEmpty else { return verdict }
        switch InTotoStatement.parse(envelope.payload, source: source) {
        case .failure(let problems):
            verdict.reasons += problems.reasons
        case .success(let statement):
            verdict.predicateType = statement.predicateType
            verdict.subjects = statement.subjects
            verdict.predicate = statement.predicate
            let cards = statement.subjects.filter { $0.name.hasPrefix(cardSubjectPrefix) }
            for file in files {
                let cardDigest = cardDigests[file.path]
                if let cardDigest, cards.contains(where: { $0.sha256 == cardDigest }) { continue }
                let mismatches = SubjectMatch.mismatches(files: [file], subjects: statement.subjects, source: source)
                if mismatches.isEmpty { continue }
                if let cardDigest, !cards.isEmpty {
                    verdict.reasons.append(
                        "'\(file.path)' is not the attested card: its RFC 8785 sha256 is \(cardDigest), subject "
                            + cards.map { "\"\($0.name)\" has \($0.sha256 ?? "no sha256")" }.joined(separator: ", "))
                } else {
                    verdict.reasons += mismatches
                }
            }
        }
        return verdict
    }

    /// The name prefix of a subject that is an A2A card digested in RFC 8785 form (as `stemma posture attest`
    /// writes it).
    public static let cardSubjectPrefix = "a2a-card:"

    /// Key ids of the keys that verify some signature over the envelope's PAE, each once, in key order.
    static func signers(of envelope: DSSEEnvelope, keys: [PublicKey]) -> [String] {
        let pae = DSSE.preAuthenticationEncoding(payloadType: envelope.payloadType, payload: envelope.payload)
        var signers: [String] = []
        for key in keys where envelope.signatures.contains(where: { key.isValidSignature($0.sig, over: pae) }) {
            let keyid = KeyIdentifier.of(key)
            if !signers.contains(keyid) { signers.append(keyid) }
        }
        return signers
    }

    /// `application/vnd.in-toto+json`, or `application/vnd.in-toto.<predicate>+json` as the in-toto spec allows.
    static func isInTotoPayloadType(_ type: String) -> Bool {
        if type == DSSE.inTotoPayloadType { return true }
        let prefix = "application/vnd.in-toto.", suffix = "+json"
        return type.hasPrefix(prefix) && type.hasSuffix(suffix) && type.count > prefix.count + suffix.count
    }
}
