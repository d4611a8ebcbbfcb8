public import StemmaCore

/// A DSSE v1 envelope: a payload, its type, and signatures over the pre-authentication encoding.
public struct DSSEEnvelope: Sendable {
    /// One signature: the signer's key id (a hint only) and the signature bytes.
    public struct Signature: Sendable, Equatable {
        /// The key id the signer gave, or nil when absent.
        public var keyid: String?
        /// The raw signature (DER ECDSA or 64-byte Ed25519).
        public var sig: [UInt8]

        /// Creates a signature entry.
        public init(keyid: String?, sig: [UInt8]) {
            self.keyid = keyid
            self.sig = sig
        }
    }

    /// The payload's media type, `application/vnd.in-toto+json` for attestations.
    public var payloadType: String
    /// The payload bytes exactly as signed.
    public var payload: [UInt8]
    /// The signatures, in envelope order.
    public var signatures: [Signature]

    /// Creates an envelope.
    public init(payloadType: String, payload: [UInt8], signatures: [Signature]) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// The envelope JSON: padded standard base64, `keyid` always written (securesystemslib requires it).
    public func jsonValue() -> JSONValue {
        .object([
            ("payload", .string(Base64.encode(payload))),
            ("payloadType", .string(payloadType)),
            (
                "signatures",
                .array(
                    signatures.map {
                        .object([("keyid", .string($0.keyid ?? "")), ("sig", .string(Base64.encode($0.sig)))])
                    })
            ),
        ])
    }

    /// Reads an envelope object.
    ///
    /// Base64 may be standard or URL-safe, padded or not, as DSSE requires of verifiers.
    /// - Throws: ``EnvelopeProblem`` naming `source` when a required member is missing or malformed.
    public init(jsonValue value: JSONValue, source: String) throws(EnvelopeProblem) {
        guard case .object = value else { throw EnvelopeProblem("'\(source)': the envelope is not a JSON object") }
        guard let payloadType = value["payloadType"]?.stringValue else {
            throw EnvelopeProblem("'\(source)': the envelope has no payloadType string")
        }
        guard let payloadText = value["payload"]?.stringValue else {
            throw EnvelopeProblem("'\(source)': the envelope has no payload string")
        }
        guard let payload = Self.decodeBase64(payloadText) else {
            throw EnvelopeProblem("'\(source)': the envelope's payload is not valid base64")
        }
        guard let entries = value["signatures"]?.arrayValue else {
            throw EnvelopeProblem("'\(source)': the envelope has no signatures array")
        }
        var signatures: [Signature] = []
        for (index, entry) in entries.enumerated() {
            guard let text = entry["sig"]?.stringValue, let sig = Self.decodeBase64(text), !sig.isEmpty else {
                throw EnvelopeProblem("'\(source)': signature \(index + 1) has no valid base64 sig")
            }
            let keyid = entry["keyid"]?.stringValue
            signatures.append(Signature(keyid: keyid.flatMap { $0.isEmpty ? nil : $0 }, sig: sig))
        }
        self.init(payloadType: payloadType, payload: payload, signatures: signatures)
    }

    /// Decodes standard or URL-safe base64, padded or not.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        let standard = String(
            text.map { character -> Character in
                switch character {
                case "-": return "+"
                case "_": return "/"
                default: return character
                }
            })
        return Base64.decode(standard)
    }
}

/// Why an envelope (or the bundle around it) is not well formed; a verification failure, not a usage error.
public struct EnvelopeProblem: Error, Sendable, CustomStringConvertible {
    /// A sentence naming the file.
    public var description: String

    /// Creates a problem.
    public init(_ description: String) { self.description = description }
}
