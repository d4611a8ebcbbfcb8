import ArgumentParser
import StemmaCore
import StemmaScan

struct ScanCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find model files that run code when they are loaded (pickles, Keras Lambdas, TF file ops, …).",
        discussion: """
            Every file, and every member of every archive inside it, gets one verdict: safe, suspicious, dangerous
            or malformed, with the evidence (the imported and called globals, the pickle and opcode offset, the
            member path). Files are recognised by content, not by name. Pickles are run on an emulated pickle
            machine (protocols 0-5, stack and memo as the real unpickler keeps them) against the allowlist of the
            loader their own imports select (torch, TorchScript, numpy, joblib, plain data); globals that run code,
            judged by the definition they resolve to, are dangerous, anything else outside the allowlist
            suspicious. Zip (CRC errors reported, never hiding the
            rest), tar, gzip, xz, bzip2, zstd, PyTorch zips and legacy files, npy/npz, Keras .keras and H5,
            SavedModel, ONNX (external-data paths), safetensors and GGUF (header bounds, chat templates) are read;
            7z is never reported safe. A file that is not fully parsed, or that hits a limit, is malformed: never
            safe.

            Exit status: 0 every file safe, 1 something is not, 2 could not scan (a path that does not exist).

            Examples:
              stemma scan ./downloads/model
              stemma scan pytorch_model.bin model.keras --format json
              stemma scan ./checkpoints --allow-global sklearn.linear_model._logistic.LogisticRegression
              stemma scan ./models --format sarif > scan.sarif
            """
    )

    @Argument(help: "Files or folders to scan (folders recursively).", completion: .file())
    var paths: [String] = []

    @Option(
        name: .customLong("allow-global"),
        help: "A module.name global to treat as allowlisted for every pickle (repeatable).")
    var allowGlobals: [String] = []

    @Option(help: "Output: text for people, json (schemas/scan-report.schema.json), or sarif (SARIF 2.1.0).")
    var format: OutputFormat = .text

    @OptionGroup var report: OutputOptions

    var isQuiet: Bool { report.quiet }

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file or folder to scan") }
        for global in allowGlobals where !global.contains(".") {
            throw ValidationError("--allow-global \"\(global)\" must be module.name")
        }
    }

    func run() throws {
        let started = MonotonicClock.seconds()
        let scanner = ModelScanner(extraAllowedGlobals: Set(allowGlobals))
        let files = try scanner.scan(paths: paths)
        // A folder with nothing in it is most often a mistyped or unmounted path: "every file safe" would be a
        // pass for nothing scanned.
        guard !files.isEmpty else {
            throw StemmaError(
                .usage, "no files to scan in \(paths.joined(separator: ", ")): give a file or a folder that holds one")
        }
        let result = ScanReport(files: files, seconds: MonotonicClock.seconds() - started)
        let status = Int32(result.exitCode)
        switch format {
        case .text: try report.write(result.text(style: TextStyle(color: report.colorReport)))
        case .json: try report.write(JSONWriter(indent: 2).string(result.jsonValue()))
        case .sarif:
            try report.write(JSONWriter(indent: 2).string(SARIFLog.invoked(result.sarifValue(), exitCode: status)))
        }
        if status != 0 { throw ExitCode(status) }
    }
}
