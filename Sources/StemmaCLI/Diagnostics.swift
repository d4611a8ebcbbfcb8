import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writing to the terminal: results on stdout, diagnostics and progress on stderr.
///
/// Error and warning texts name files and quote inputs, so they are escaped with ``TerminalText`` here: a path
/// holding a newline or an ANSI sequence cannot forge a line on stderr either.
enum Diagnostics {
    /// Writes `text`, which Stemma wrote, as it is (only for text that holds no input value).
    static func plain(_ text: String) {
        FileOutput.standardError.write(text + "\n")
    }

    /// Writes a multi-line message (usage text from the argument parser) with each line escaped.
    static func lines(_ text: String) {
        plain(TerminalText.escapedLines(text))
    }

    /// `stemma: error: TEXT`, with `text` escaped.
    static func error(_ text: String) {
        let style = TextStyle(color: Terminal.colorOnStandardError)
        plain("stemma: \(style.red("error:")) \(text.terminalEscaped)")
    }

    /// `stemma: warning: TEXT`, with `text` escaped; nothing under `--quiet`.
    static func warning(_ text: String) {
        guard !QuietMode.isOn else { return }
        plain("stemma: warning: \(text.terminalEscaped)")
    }

    /// A line that tells what was done (already escaped by the caller); nothing under `--quiet`.
    static func note(_ text: String) {
        guard !QuietMode.isOn else { return }
        plain(text)
    }
}

/// Whether colour and progress belong on a stream.
enum Terminal {
    static var noColor: Bool { getenv("NO_COLOR").map { $0.pointee != 0 } ?? false }
    /// `TERM=dumb` (Emacs shells, some CI logs) shows escape codes as garbage: no colour and no progress line.
    static var dumb: Bool { getenv("TERM").map { String(cString: $0) == "dumb" } ?? false }
    static var colorOnStandardOutput: Bool { isatty(1) == 1 && !noColor && !dumb }
    static var colorOnStandardError: Bool { isatty(2) == 1 && !noColor && !dumb }
    static var progressOnStandardError: Bool { isatty(2) == 1 && !dumb && !QuietMode.isOn }
}
