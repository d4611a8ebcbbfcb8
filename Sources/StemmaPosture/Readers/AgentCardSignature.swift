import StemmaCore
import StemmaCrypto

/// Verifies A2A agent-card signatures (spec §8.4): each `signatures[]` entry is a JWS with a detached payload,
/// the RFC 8785 (JCS) canonical card without `signatures`. Keys come from a JWKS the user gives. ES256 (P-256)
/// is supported; other algorithms, or a card JCS cannot canonicalize here (non-integer numbers), are undecided.
enum AgentCardSignature {
    enum Outcome: Equatable {
        case valid(kid: String)
        case invalid(String)
        case undecided(String)
    }

    static func verify(card: JSONValue, jwks: JSONValue) -> Outcome {
        guard let signatures = card["signatures"]?.arrayValue, !signatures.isEmpty else { return .invalid("unsigned") }
        guard case .object(let members) = card else { return .invalid("not an object") }
        guard let payload = JCS.canonical(.object(members.filter { $0.0 != "signatures" })) else {
            return .undecided("the card holds numbers JCS canonicalization is not implemented for")
        }
        var reasons: [String] = []
        for signature in signatures.prefix(16) {
            guard let protected = signature["protected"]?.stringValue, let value = signature["signature"]?.stringValue,
                let headerBytes = Base64URL.decode(protected),
                let header = try? JSONParser.parse(headerBytes, source: "JWS header"),
                let raw = Base64URL.decode(value)
            else {
                reasons.append("a signature is not a JWS")
                continue
            }
            guard header["alg"]?.stringValue == "ES256" else {
                return .undecided("signature algorithm \(header["alg"]?.stringValue ?? "none") is not supported")
            }
            let kid = header["kid"]?.stringValue ?? ""
            guard let jwk = jwks["keys"]?.arrayValue?.first(where: { $0["kid"]?.stringValue == kid }),
                let key = p256Key(jwk)
            else {
                reasons.append("no key '\(kid)' in the given JWKS")
                continue
            }
            let input = Array((protected + "." + Base64URL.encode(payload)).utf8)
            if raw.count == 64, key.isValidSignature(derSignature(raw), over: input, digest: .sha256) {
                return .valid(kid: kid)
            }
            reasons.append("the signature by '\(kid)' does not verify")
        }
        return .invalid(reasons.joined(separator: "; "))
    }

    /// A P-256 public key from a JWK (`kty` EC, `crv` P-256, `x`, `y`), through its SubjectPublicKeyInfo.
    static func p256Key(_ jwk: JSONValue) -> PublicKey? {
        guard jwk["kty"]?.stringValue == "EC", jwk["crv"]?.stringValue == "P-256",
            let x = jwk["x"]?.stringValue.flatMap(Base64URL.decode),
            let y = jwk["y"]?.stringValue.flatMap(Base64URL.decode),
            x.count == 32, y.count == 32
        else { return nil }
        let prefix: [UInt8] = [
            0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
            0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
        ]
        let der = prefix + x + y
        var pem = "-----BEGIN PUBLIC KEY-----\n"
        let encoded = Array(Base64.encode(der))
        var index = 0
        while index < encoded.count {
            pem += String(encoded[index..<min(index + 64, encoded.count)]) + "\n"
            index += 64
        }
        pem += "-----END PUBLIC KEY-----\n"
        return try? PublicKey(pem: Array(pem.utf8), source: "JWK")
    }

    /// JWS ECDSA signatures are r || s; OpenSSL wants DER `SEQUENCE { INTEGER r, INTEGER s }`.
    static func derSignature(_ raw: [UInt8]) -> [UInt8] {
        func integer(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
            var body = Array(bytes.drop { $0 == 0 })
            if body.isEmpty { body = [0] }
            if body[0] & 0x80 != 0 { body.insert(0, at: 0) }
            return [0x02, UInt8(body.count)] + body
        }
        let content = integer(raw[0..<32]) + integer(raw[32..<64])
        return [0x30, UInt8(content.count)] + content
    }
}

/// Unpadded base64url (RFC 7515).
enum Base64URL {
    static func encode(_ bytes: [UInt8]) -> String {
        var text = Base64.encode(bytes)
        while text.hasSuffix("=") { text.removeLast() }
        return String(text.map { $0 == "+" ? "-" : $0 == "/" ? "_" : $0 })
    }

    static func decode(_ text: String) -> [UInt8]? {
        guard !text.contains("+"), !text.contains("/"), !text.contains("=") else { return nil }
        return Base64.decode(String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 }))
    }
}

/// RFC 8785 JSON Canonicalization for the values an agent card holds: members sorted by UTF-16 code units,
/// minimal string escapes, integers (a number with a fraction or exponent returns nil: not implemented).
enum JCS {
    static func canonical(_ value: JSONValue) -> [UInt8]? {
        var out: [UInt8] = []
        // Recursion is bounded: the parser limits depth to 64, and so does `write`.
        return write(value, into: &out, depth: 0) ? out : nil
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8], depth: Int) -> Bool {
        guard depth < 64 else { return false }
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let text):
            guard let integer = Int64(text), abs(integer) <= 9_007_199_254_740_991 else { return false }
            out += Array(String(integer).utf8)
        case .string(let text): string(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                guard write(item, into: &out, depth: depth + 1) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { Array($0.0.utf16).lexicographicallyPrecedes(Array($1.0.utf16)) }
            for (index, (key, item)) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                guard write(item, into: &out, depth: depth + 1) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    private static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\u{08}": out += Array("\\b".utf8)
            case "\u{0C}": out += Array("\\f".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            default:
                if scalar.value < 0x20 {
                    let hex = Array("0123456789abcdef".utf8)
                    out += Array("\\u00".utf8) + [hex[Int(scalar.value >> 4)], hex[Int(scalar.value & 0xF)]]
                } else {
                    out += Array(String(scalar).utf8)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
