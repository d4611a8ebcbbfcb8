import ArgumentParser
import StemmaCore

/// `stemma`: the AI supply-chain verifier's command line. Each subcommand parses flags, calls one library
/// function, prints, and exits; no logic lives here that a server would need.
struct StemmaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stemma",
        abstract:
            "Verify and sign AI model bundles, trace which agents a compromised component reaches, write signed AI-BOMs.",
        discussion: """
            Exit status: 0 verified (or done), 1 not verified, 2 could not do the job.

            Examples:
              stemma verify ./llama-ft --public-key release.pub.pem
              stemma verify llama-ft.tar.zst --signature llama-ft.sig --trust-roots trust-roots/acme
              stemma sign ./llama-ft --private-key release.pem --signature llama-ft.sig
              stemma scan ./downloads/model --format json
            """,
        version: VersionText.full,
        subcommands: [
            VerifyCommand.self, SignCommand.self, ImpactCommand.self, GraphCommand.self, AttestCommand.self,
            VerifyAttestationCommand.self, BOMCommand.self, ScanCommand.self, PostureCommand.self, ReportCommand.self,
            VerifyCardCommand.self, SignCardCommand.self,
        ]
    )
}

/// The formats of commands that print a result, not findings (`sign`, `verify-attestation`).
enum TextOrJSON: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}

/// Output formats shared by commands that report.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case sarif
}
