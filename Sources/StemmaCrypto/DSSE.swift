/// Dead Simple Signing Envelope helpers (https://github.com/secure-systems-lab/dsse).
public enum DSSE {
    /// The in-toto payload type.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// The pre-authentication encoding that is actually signed:
    /// `"DSSEv1" SP len(type) SP type SP len(payload) SP payload`, lengths in ASCII decimal bytes.
    public static func preAuthenticationEncoding(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let typeBytes = Array(payloadType.utf8)
        var output = Array("DSSEv1 \(typeBytes.count) ".utf8)
        output.append(contentsOf: typeBytes)
        output.append(contentsOf: Array(" \(payload.count) ".utf8))
        output.append(contentsOf: payload)
        return output
    }
}
