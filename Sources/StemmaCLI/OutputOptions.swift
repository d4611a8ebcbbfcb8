import ArgumentParser
import StemmaCore
import Synchronization

/// `-o/--output` and `-q/--quiet`, shared by every command that writes a report, so they are spelled and behave
/// the same everywhere.
struct OutputOptions: ParsableArguments {
    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write the report to FILE (atomically) instead of standard output.", valueName: "file"),
        completion: .file())
    var output: String?

    @OptionGroup var quietOption: QuietOption

    /// Whether `--quiet` was given.
    var quiet: Bool { quietOption.quiet }

    /// Writes the report: to `--output` through a temporary sibling and a rename (a reader never sees half a
    /// report), else to standard output unless `--quiet`.
    func write(_ text: String) throws {
        let text = text.hasSuffix("\n") ? text : text + "\n"
        if let output {
            try AtomicFile.write(Array(text.utf8), to: output)
        } else if !quiet {
            FileOutput.standardOutput.write(text)
        }
    }

    /// Whether the report goes to a terminal (the text report is coloured only there).
    var colorReport: Bool { output == nil && Terminal.colorOnStandardOutput }
}

/// `-q/--quiet`: nothing on stdout or stderr but errors; the exit code speaks.
struct QuietOption: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Print nothing but errors; the exit status speaks (--output still writes).")
    var quiet = false
}

/// A command whose `--quiet` silences warnings, notes and progress (``Diagnostics``).
protocol QuietCommand {
    /// Whether `--quiet` was given.
    var isQuiet: Bool { get }
}

/// Whether `--quiet` is in force for this process, set once after parsing.
enum QuietMode {
    private static let flag = Atomic<Bool>(false)

    static var isOn: Bool { flag.load(ordering: .relaxed) }

    static func set(_ on: Bool) { flag.store(on, ordering: .relaxed) }
}
