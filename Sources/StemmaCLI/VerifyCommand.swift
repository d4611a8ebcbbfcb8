import ArgumentParser
import StemmaCore
import StemmaFormats
import StemmaVerification

struct VerifyCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a model folder, file or archive against its OMS signature.",
        discussion: """
            Every file is hashed and compared with the signed manifest; the signature must verify with a trusted
            key or certificate chain. Changed, missing or unlisted files, symbolic links the signature does not
            allow, and anything that cannot be proven fail verification. Every file is also scanned as
            `stemma scan` does: a file that runs code when it is loaded (a pickle calling os.system, a Keras
            Lambda, …) or cannot be fully parsed fails verification unless --allow-unsafe-formats; a suspicious
            one is a warning.

            Exit status: 0 verified, 1 not verified (the findings say why), 2 could not verify (usage, unreadable or
            malformed input).

            Examples:
              stemma verify ./llama-ft --public-key release.pub.pem
              stemma verify ./llama-ft --signature llama-ft.sig --certificate-chain acme-root-ca.pem
              stemma verify llama-ft.tar.gz --signature llama-ft.sig --trust-roots trust-roots/acme --format sarif
            """
    )

    @Argument(
        help: "The model: a folder, a single file, or a .tar, .tar.gz, .tar.xz, .tar.zst or .zip archive.",
        completion: .file())
    var path: String

    @Option(
        help: "The signature file. Default: PATH/model.sig, PATH.sig, or model.sig beside PATH.", completion: .file())
    var signature: String?

    @Option(
        name: .customLong("public-key"),
        help: "A trusted PEM public key (repeatable; any one that verifies is enough).",
        completion: .file())
    var publicKeys: [String] = []

    @Option(
        name: .customLong("certificate-chain"), help: "Trusted root or intermediate CA certificates, PEM (repeatable).",
        completion: .file())
    var certificateChains: [String] = []

    @Option(
        name: .customLong("trust-roots"), help: "A trust-roots folder with signers.json (see trust-roots/README.md).",
        completion: .directory)
    var trustRoots: String?

    @Flag(help: "Pass files that the signature does not list (they are not hashed).")
    var ignoreUnsignedFiles = false

    @Option(name: .customLong("ignore-paths"), help: "A model-relative path never to hash (repeatable).")
    var ignorePaths: [String] = []

    @Flag(help: "Report dangerous or malformed model files as warnings instead of failing verification.")
    var allowUnsafeFormats = false

    @Option(
        name: .customLong("allow-global"),
        help: "A module.name global to treat as allowlisted in pickles (repeatable).")
    var allowGlobals: [String] = []

    @Option(help: "Output: text for people, json (schemas/verify-report.schema.json), or sarif (SARIF 2.1.0).")
    var format: OutputFormat = .text

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func validate() throws {
        let sources = [!publicKeys.isEmpty, !certificateChains.isEmpty, trustRoots != nil].filter { $0 }.count
        guard sources == 1 else {
            throw ValidationError("give exactly one of --public-key, --certificate-chain or --trust-roots")
        }
    }

    func run() throws {
        let trust: TrustSource
        if let trustRoots {
            trust = .trustRoots(trustRoots)
        } else if !publicKeys.isEmpty {
            trust = .publicKeys(publicKeys)
        } else {
            trust = .certificateChains(certificateChains)
        }
        var request = VerifyRequest(model: path, signature: signature, trust: trust)
        request.ignoreUnsignedFiles = ignoreUnsignedFiles
        request.ignorePaths = ignorePaths
        request.allowUnsafeFormats = allowUnsafeFormats
        request.allowedGlobals = Set(allowGlobals)
        let progress = HashProgress()
        let line = ProgressLine(progress: progress, label: "hashing \(path)")
        let verdict: VerifyReport
        do {
            verdict = try ModelVerifier.verify(request, progress: progress)
            line.stop()
        } catch {
            line.stop()
            throw error
        }
        let status: Int32 = verdict.verdict == .verified ? 0 : 1
        switch format {
        case .text: try report.write(verdict.text(style: TextStyle(color: report.colorReport)))
        case .json: try report.write(JSONWriter(indent: 2).string(verdict.jsonValue()))
        case .sarif:
            try report.write(JSONWriter(indent: 2).string(SARIFLog.invoked(verdict.sarifValue(), exitCode: status)))
        }
        if status != 0 { throw ExitCode(status) }
    }
}
