import ArgumentParser
import StemmaCore
import StemmaCrypto

/// The largest agent card or JWKS read (cards are small; this bounds a hostile one).
private let maxCardBytes = 4 << 20

/// Reads and parses a JSON file for the card commands; unreadable or not JSON is a `StemmaError` (exit 2).
func readCardJSON(_ path: String) throws(StemmaError) -> JSONValue {
    try JSONParser.parse(try BoundedFile.read(path, maxBytes: maxCardBytes), source: path)
}

struct VerifyCardCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-card",
        abstract: "Verify the JWS signatures of an A2A agent card against a local JWKS.",
        discussion: """
            Each signatures[] entry is a JWS with a detached payload: the RFC 8785 (JCS) canonical card without
            `signatures`, as given (no default-value stripping). ES256, ES384, RS256 (2048+ bits) and EdDSA
            (Ed25519). Keys are looked up by the protected header's kid in --jwks only; a jku is reported and never
            fetched. One valid signature by a key of the JWKS is enough; alg none, an unknown kid, crit or b64
            headers never count.

            Exit status: 0 valid, 1 invalid (unsigned, tampered, wrong key, unknown kid), 2 unreadable (the card
            or JWKS is not readable JSON, or the card holds a number that is not a finite double).

            Examples:
              stemma verify-card agent-card.json --jwks provider.jwks.json
              stemma verify-card agent-card.json --jwks provider.jwks.json --format json
            """
    )

    @Argument(help: "The A2A agent card (JSON).", completion: .file())
    var card: String

    @Option(help: "The trusted keys, a JWKS file ({\"keys\": [...]}).", completion: .file())
    var jwks: String

    @Option(help: "Output: text or json.")
    var format: TextOrJSON = .text

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func run() throws {
        let cardValue = try readCardJSON(card)
        let keys = try readCardJSON(jwks)
        guard keys["keys"]?.arrayValue != nil else {
            throw StemmaError(.malformedInput, "'\(jwks)' is not a JWKS: it has no \"keys\" array")
        }
        let result = try AgentCardJWS.verify(card: cardValue, jwks: keys)
        switch format {
        case .json: try report.write(JSONWriter(indent: 2).string(result.jsonValue()))
        case .text: try report.write(text(result))
        }
        if !result.isValid { throw ExitCode(1) }
    }

    private func text(_ result: CardVerification) -> String {
        var lines = [
            (result.isValid ? "VALID   " : "INVALID ") + card + "  (card sha256 \(result.cardDigest))"
        ]
        if result.checks.isEmpty { lines.append("  unsigned: the card has no signatures") }
        for check in result.checks {
            var line = "  [\(check.index)] \(check.status.rawValue): \(check.reason)"
            if let jku = check.jku { line += " (jku \(jku), not fetched)" }
            lines.append(line)
        }
        if !result.examinedAll { lines.append("  only the first \(AgentCardJWS.maxSignatures) signatures were read") }
        return lines.map(TerminalText.escaped).joined(separator: "\n") + "\n"
    }
}

struct SignCardCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign-card",
        abstract: "Sign an A2A agent card: append a JWS to its signatures[].",
        discussion: """
            The payload is the RFC 8785 (JCS) canonical card without `signatures`; the protected header is
            {"alg", "kid", "typ": "JOSE"} plus "jku" when given. The algorithm follows the key: P-256 ES256,
            P-384 ES384, RSA (2048+ bits) RS256, Ed25519 EdDSA. Existing signatures are kept (key rotation).

            Exit status: 0 signed, 2 could not sign.

            Example:
              stemma sign-card agent-card.json --private-key card-key.pem --kid 2026-01 \\
                  --jku https://agent.example.com/.well-known/jwks.json --output agent-card.signed.json
            """
    )

    @Argument(help: "The A2A agent card (JSON).", completion: .file())
    var card: String

    @Option(
        name: .customLong("private-key"), help: "The PEM private key (P-256, P-384, RSA 2048+ or Ed25519).",
        completion: .file())
    var privateKey: String

    @Option(help: "The key id to put in the protected header; the verifier's JWKS must hold it.")
    var kid: String

    @Option(help: "A JWKS URL to put in the protected header (informational: Stemma never fetches it).")
    var jku: String?

    @Option(help: "Where to write the signed card.", completion: .file())
    var output: String

    @OptionGroup var quietOption: QuietOption

    var isQuiet: Bool { quietOption.quiet }

    func validate() throws {
        if kid.isEmpty { throw ValidationError("--kid must not be empty") }
    }

    func run() throws {
        let cardValue = try readCardJSON(card)
        let key = try PrivateKey(pem: try BoundedFile.read(privateKey, maxBytes: 1 << 20), source: privateKey)
        let signed = try AgentCardJWS.sign(card: cardValue, key: key, kid: kid, jku: jku)
        try AtomicFile.write(Array((JSONWriter(indent: 2).string(signed) + "\n").utf8), to: output)
        Diagnostics.note(TerminalText.escaped("signed \(card) with key '\(kid)' -> \(output)"))
    }
}
