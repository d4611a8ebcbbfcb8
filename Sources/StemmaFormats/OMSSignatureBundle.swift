public import StemmaCore

/// An OpenSSF Model Signing (OMS) signature file: a Sigstore bundle v0.3 holding one DSSE envelope.
///
/// Parsing checks the structure only; whether the signature holds is the verifier's job. Both the current
/// `publicKey.hint` form and the older `publicKey.rawBytes` form are read.
public struct OMSSignatureBundle: Sendable {
    /// The only media type `model_signing` 1.1 accepts for key and certificate bundles.
    public static let mediaType = "application/vnd.dev.sigstore.bundle.v0.3+json"

    /// How the bundle says who signed.
    public enum VerificationMaterial: Sendable, Equatable {
        /// Key mode: hex SHA-256 of the signer's PEM public key text, when present.
        case publicKeyHint(String?)
        /// Older key mode: the signer's PEM public key itself.
        case publicKeyPEM([UInt8])
        /// Certificate mode: DER certificates, leaf first.
        case certificateChain([[UInt8]])

        /// The field of `verificationMaterial` this kind is written in.
        public var kind: String {
            switch self {
            case .publicKeyHint, .publicKeyPEM: return "publicKey"
            case .certificateChain: return "x509CertificateChain"
            }
        }
    }

    /// Who signed, as the bundle states it (not yet proven).
    public var material: VerificationMaterial
    /// The kinds of verification material the bundle holds (`publicKey`, `x509CertificateChain`, `certificate`).
    /// A verifier must refuse anything but exactly one: `material` is then only the first of them.
    public var materialKinds: [String]
    /// The DSSE payload type as written in the envelope.
    public var payloadType: String
    /// The decoded payload (the in-toto statement's bytes, exactly as signed).
    public var payload: [UInt8]
    /// The first signature's bytes (only the first is used, as in `model_signing`).
    public var signature: [UInt8]

    /// Creates a bundle.
    public init(
        material: VerificationMaterial, payloadType: String, payload: [UInt8], signature: [UInt8],
        materialKinds: [String]? = nil
    ) {
        self.material = material
        self.materialKinds = materialKinds ?? [material.kind]
        self.payloadType = payloadType
        self.payload = payload
        self.signature = signature
    }

    /// Parses a signature file.
    /// - Parameters:
    ///   - bytes: the file's contents.
    ///   - source: the file path, for messages.
    /// - Throws: ``StemmaError`` `.malformedInput` naming `source` and the field that is wrong.
    public static func parse(_ bytes: [UInt8], source: String) throws(StemmaError) -> OMSSignatureBundle {
        let root = try JSONParser.parse(bytes, source: source)
        let fields = JSONFields(root, source: source, context: "the bundle")
        let mediaType = try fields.string("mediaType")
        guard mediaType == Self.mediaType else {
            throw StemmaError(
                .malformedInput,
                "'\(source)' has mediaType \"\(mediaType)\"; an OMS signature must be \"\(Self.mediaType)\"")
        }
        let materialValue = try fields.object("verificationMaterial")
        let material = try parseMaterial(materialValue, source: source)
        let kinds = ["publicKey", "x509CertificateChain", "certificate"].filter { materialValue[$0] != nil }
        let envelope = try fields.object("dsseEnvelope")
        let envelopeFields = JSONFields(envelope, source: source, context: "dsseEnvelope")
        let payloadType = try envelopeFields.string("payloadType")
        let payload = try envelopeFields.base64("payload")
        let signatures = try envelopeFields.array("signatures")
        guard let first = signatures.first else {
            throw StemmaError(.malformedInput, "'\(source)' has an envelope with no signatures")
        }
        let signature = try JSONFields(first, source: source, context: "dsseEnvelope.signatures[0]").base64("sig")
        guard !signature.isEmpty else { throw StemmaError(.malformedInput, "'\(source)' has an empty signature") }
        return OMSSignatureBundle(
            material: material, payloadType: payloadType, payload: payload, signature: signature, materialKinds: kinds)
    }

    private static func parseMaterial(_ value: JSONValue, source: String) throws(StemmaError) -> VerificationMaterial {
        let fields = JSONFields(value, source: source, context: "verificationMaterial")
        if let publicKey = value["publicKey"] {
            let keyFields = JSONFields(publicKey, source: source, context: "verificationMaterial.publicKey")
            if publicKey["rawBytes"] != nil { return .publicKeyPEM(try keyFields.base64("rawBytes")) }
            return .publicKeyHint(try keyFields.optionalString("hint"))
        }
        if value["x509CertificateChain"] != nil {
            let chain = try fields.object("x509CertificateChain")
            let certificates = try JSONFields(chain, source: source, context: "x509CertificateChain").array(
                "certificates")
            guard !certificates.isEmpty, certificates.count <= 16 else {
                throw StemmaError(
                    .malformedInput, "'\(source)' must carry 1 to 16 certificates, not \(certificates.count)")
            }
            var ders: [[UInt8]] = []
            for (index, certificate) in certificates.enumerated() {
                ders.append(
                    try JSONFields(certificate, source: source, context: "certificates[\(index)]").base64("rawBytes"))
            }
            return .certificateChain(ders)
        }
        if value["certificate"] != nil {
            throw StemmaError(
                .unsupported,
                "'\(source)' is a Sigstore keyless signature (Fulcio certificate and Rekor entries); verifying it "
                    + "needs the Sigstore public-good trust root, which Stemma does not fetch: use key or certificate mode"
            )
        }
        throw StemmaError(
            .malformedInput, "'\(source)' has no publicKey or x509CertificateChain in verificationMaterial")
    }

    /// The bundle as `model_signing` writes it: compact JSON, keys in its order, no trailing newline.
    public func serialized() -> [UInt8] {
        let materialValue: JSONValue
        switch material {
        case .publicKeyHint(let hint):
            materialValue = .object([
                ("publicKey", .object(hint.map { [("hint", .string($0))] } ?? [])), ("tlogEntries", .array([])),
            ])
        case .publicKeyPEM(let pem):
            materialValue = .object([
                ("publicKey", .object([("rawBytes", .string(Base64.encode(pem)))])), ("tlogEntries", .array([])),
            ])
        case .certificateChain(let ders):
            let certificates = ders.map { JSONValue.object([("rawBytes", .string(Base64.encode($0)))]) }
            materialValue = .object([
                ("x509CertificateChain", .object([("certificates", .array(certificates))])),
                ("tlogEntries", .array([])),
            ])
        }
        let envelope: JSONValue = .object([
            ("payload", .string(Base64.encode(payload))),
            ("payloadType", .string(payloadType)),
            ("signatures", .array([.object([("sig", .string(Base64.encode(signature))), ("keyid", .string(""))])])),
        ])
        return JSONWriter().bytes(
            .object([
                ("mediaType", .string(Self.mediaType)), ("verificationMaterial", materialValue),
                ("dsseEnvelope", envelope),
            ]))
    }
}
