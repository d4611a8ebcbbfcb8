import ArgumentParser
import StemmaCore
import StemmaVerification

struct SignCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a model folder, file or archive with an OMS v1.0 signature.",
        discussion: """
            The signature is what `model_signing` 1.1 writes, so `model_signing verify key` (or `verify
            certificate`) accepts it. Keys: unencrypted PEM ECDSA P-256, P-384 or P-521.

            Exit status: 0 signed, 2 could not sign.

            Examples:
              stemma sign ./llama-ft --private-key release.pem
              stemma sign ./llama-ft --private-key leaf.key --signing-certificate leaf.pem \\
                  --certificate-chain intermediate.pem --signature llama-ft.sig
              stemma sign ./llama-ft --private-key release.pem --shard-size 1000000000
            """
    )

    @Argument(help: "The model: a folder, a single file, or an archive.", completion: .file())
    var path: String

    @Option(
        name: .customLong("private-key"), help: "The PEM private key (ECDSA P-256, P-384 or P-521).",
        completion: .file())
    var privateKey: String

    @Option(
        name: .customLong("signing-certificate"), help: "The signing (leaf) certificate, PEM, for certificate mode.",
        completion: .file())
    var signingCertificate: String?

    @Option(
        name: .customLong("certificate-chain"),
        help: "Intermediate certificates to include after the leaf (repeatable).",
        completion: .file())
    var certificateChain: [String] = []

    @Option(
        help: "Where to write the signature. Default: PATH/model.sig for a folder, PATH.sig otherwise.",
        completion: .file())
    var signature: String?

    @Option(name: .customLong("shard-size"), help: "Hash files in shards of this many bytes (OMS method 'shards').")
    var shardSize: UInt64?

    @Option(
        name: .customLong("ignore-paths"),
        help: "A model-relative path not to sign (repeatable; recorded in the signature).")
    var ignorePaths: [String] = []

    @Flag(help: "Sign symbolic links inside the model by their targets' content.")
    var allowSymlinks = false

    @Flag(help: "Replace a signature that already exists (without it, sign refuses to overwrite one).")
    var force = false

    @Option(help: "Output: text or json (schemas/sign-result.schema.json).")
    var format: TextOrJSON = .text

    @OptionGroup var quietOption: QuietOption

    var isQuiet: Bool { quietOption.quiet }

    func validate() throws {
        if let shardSize, shardSize == 0 { throw ValidationError("--shard-size must be at least 1") }
    }

    func run() throws {
        var request = SignRequest(model: path, privateKey: privateKey)
        request.signingCertificate = signingCertificate
        request.certificateChain = certificateChain
        request.signature = signature
        request.shardSize = shardSize
        request.ignorePaths = ignorePaths
        request.allowSymlinks = allowSymlinks
        request.overwrite = force
        let progress = HashProgress()
        let line = ProgressLine(progress: progress, label: "hashing \(path)")
        let result: SignResult
        do {
            result = try ModelSigner.sign(request, progress: progress)
            line.stop()
        } catch {
            line.stop()
            throw error
        }
        guard !isQuiet else { return }
        switch format {
        case .json:
            let value: JSONValue = .object([
                ("schemaVersion", .integer(1)),
                ("signature", .string(result.signaturePath)),
                ("rootDigest", .string(result.rootDigest)),
                ("method", .string(result.method)),
                ("files", .integer(result.fileCount)),
                ("resources", .integer(result.resourceCount)),
                ("bytesHashed", .integer(result.bytesHashed)),
            ])
            FileOutput.standardOutput.write(JSONWriter(indent: 2).string(value) + "\n")
        case .text:
            FileOutput.standardOutput.write(
                "signed \(result.fileCount) files (\(ByteCount.describe(result.bytesHashed)), \(result.method)) -> \(result.signaturePath.terminalEscaped)\n"
                    + "root digest sha256:\(result.rootDigest)\n")
        }
    }
}
