import ArgumentParser
import StemmaAttestation
import StemmaCore
import StemmaPosture

#if canImport(Glibc)
    import Glibc
#endif

struct VerifyAttestationCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-attestation",
        abstract: "Verify a DSSE-signed in-toto attestation (a bare envelope or a Sigstore bundle).",
        discussion: """
            At least one signature must verify with a trusted key (keyid is a hint only); the payloadType must be
            in-toto; the payload must be a well-formed in-toto Statement v1; each --subject file's SHA-256 must
            equal a subject's digest (matched by name, else by digest). With --certificate-chain the signing
            certificate comes from the bundle and must chain to a trusted CA. --trust-roots reads the same
            signers.json as `stemma verify`: its keys and CAs are trusted, and a certificate must match the
            signer's leafSubject. A --subject that is a JSON object matches an "a2a-card:" subject by the SHA-256
            of its RFC 8785 form without signatures. --require then checks the caller's policy over a
            https://stemma.dev/posture/v1 predicate; each failing requirement is a reason, named.

            Exit status: 0 verified, 1 not verified (the reasons say why), 2 could not check (unreadable or
            malformed input).

            Examples:
              stemma verify-attestation agent.intoto.json --public-key release.pub.pem
              stemma verify-attestation agent.sigstore.json --certificate-chain acme-root-ca.pem \\
                  --subject dist/agent-2.3.0.tar.gz --format json
              stemma verify-attestation fleet.intoto.json --trust-roots /etc/stemma/trust-roots
              stemma verify-attestation posture.intoto.json --public-key b-posture.pub.pem \\
                  --subject b-agent-card.json --require caller-policy.yaml
            """
    )

    @Argument(help: "The DSSE envelope or Sigstore bundle (JSON).", completion: .file())
    var envelope: String

    @Option(
        name: .customLong("public-key"),
        help: "A trusted PEM public key (repeatable; any one that verifies is enough).",
        completion: .file())
    var publicKeys: [String] = []

    @Option(
        name: .customLong("certificate-chain"), help: "Trusted root or intermediate CA certificates, PEM (repeatable).",
        completion: .file())
    var certificateChains: [String] = []

    @Option(name: .customLong("trust-roots"), help: "A trust-roots folder with signers.json.", completion: .directory)
    var trustRoots: String?

    @Option(help: "A file whose SHA-256 must match a subject of the statement (repeatable).", completion: .file())
    var subject: [String] = []

    @Option(
        help: ArgumentHelp(
            "A caller policy (YAML, schemas/caller-posture-policy.schema.json) the attested posture must satisfy.",
            valueName: "caller-policy.yaml"),
        completion: .file())
    var require: String?

    @Option(help: "Output: text or json (schemas/attestation-verdict.schema.json).")
    var format: TextOrJSON = .text

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func validate() throws {
        let sources = [!publicKeys.isEmpty, !certificateChains.isEmpty, trustRoots != nil].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError("give exactly one of --public-key, --certificate-chain or --trust-roots")
        }
    }

    func run() throws {
        let trust: AttestationTrust =
            if let trustRoots { .trustRoots(trustRoots) } else if publicKeys.isEmpty {
                .certificateChains(certificateChains)
            } else { .publicKeys(publicKeys) }
        var request = VerifyAttestationRequest(envelope: envelope, trust: trust)
        request.subjects = subject
        let callerPolicy = try require.map { path throws(StemmaError) in try CallerPolicy.load(path: path) }
        var verdict = try AttestationVerifier.verify(request)
        // Signature first, then subjects (both in `verify`), then the caller's requirements over the predicate.
        if let callerPolicy, !verdict.signers.isEmpty {
            verdict.reasons += try callerPolicy.failures(
                predicateType: verdict.predicateType, predicate: verdict.predicate, signers: verdict.signers,
                now: Int(time(nil))
            ).map { "requirement \($0)" }
        }
        switch format {
        case .json: try report.write(JSONWriter(indent: 2).string(verdict.jsonValue()))
        case .text: try report.write(verdict.text(style: TextStyle(color: report.colorReport)))
        }
        if !verdict.isVerified { throw ExitCode(1) }
    }
}
