import ArgumentParser
import StemmaAttestation
import StemmaCore

struct AttestCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Sign a BOM (or any JSON document) as the predicate of an in-toto Statement in a DSSE envelope.",
        discussion: """
            The predicate type is https://cyclonedx.org/bom for a CycloneDX BOM and https://spdx.dev/Document/v3
            for SPDX 3 JSON-LD; anything else needs --predicate-type. Subjects are the --subject files, else the
            BOM's metadata.component (with its SHA-256 hash), else the BOM file itself. Keys: unencrypted PEM
            ECDSA P-256, P-384, P-521 or Ed25519. The keyid is the SHA-256 of the key's DER SubjectPublicKeyInfo.

            Exit status: 0 signed, 2 could not sign.

            Examples:
              stemma attest agent.cdx.json --private-key release.pem --output agent.intoto.json
              stemma attest agent.spdx.json --private-key release.pem --subject dist/agent-2.3.0.tar.gz --bundle
            """
    )

    @Argument(help: "The JSON document to attest (a CycloneDX or SPDX 3 BOM).", completion: .file())
    var file: String

    @Option(
        name: .customLong("private-key"), help: "The PEM private key (ECDSA P-256/P-384/P-521 or Ed25519).",
        completion: .file())
    var privateKey: String

    @Option(help: "A file to name as a subject, by its SHA-256 (repeatable).", completion: .file())
    var subject: [String] = []

    @Option(name: .customLong("predicate-type"), help: "The predicate type URI (default: detected from FILE).")
    var predicateType: String?

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    @Flag(help: "Write a Sigstore bundle v0.3 around the envelope.")
    var bundle = false

    func validate() throws {
        if let predicateType, predicateType.isEmpty { throw ValidationError("--predicate-type must not be empty") }
    }

    func run() throws {
        var request = AttestRequest(document: file, privateKey: privateKey)
        request.subjects = subject
        request.predicateType = predicateType
        request.bundle = bundle
        let attestation = try Attester.attest(request)
        let text = JSONWriter(indent: 2).string(attestation.output) + "\n"
        if let output = report.output {
            try AttestationOutput.write(Array(text.utf8), to: output)
            Diagnostics.note(
                TerminalText.escaped(
                    "attested \(file) as \(attestation.statement.predicateType) "
                        + "(\(attestation.statement.subjects.count) subject(s), key \(attestation.keyid)) -> \(output)")
            )
        } else if !report.quiet {
            FileOutput.standardOutput.write(text)
        }
    }
}
