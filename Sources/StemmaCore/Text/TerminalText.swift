/// Makes text that came from an input safe to print on a terminal.
///
/// A file name, a signer's name or an advisory's reason can hold a newline and ANSI escape sequences; printed raw,
/// a hostile bundle could paint its own green `VERIFIED` line above the real verdict. Every text renderer passes
/// such values through ``escaped(_:)`` where it puts them into a line (JSON and SARIF never do: their writer
/// escapes control characters by JSON's rules and keeps the value exact).
///
/// The escape form (documented in `docs/cli.md`):
/// - a backslash is doubled (`\\`), so every other backslash in the output starts an escape;
/// - tab, line feed and carriage return are `\t`, `\n`, `\r`;
/// - every other C0 control (U+0000–U+001F, ESC included) and DEL are `\x` and two lowercase hex digits
///   (ESC is `\x1b`);
/// - C1 controls (U+0080–U+009F, which some terminals obey like ESC sequences), the bidirectional formatting
///   characters that can reorder what a line shows (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and
///   the line and paragraph separators U+2028 and U+2029 are `\u{…}` with lowercase hex (`\u{202e}`).
///
/// Text without any of these characters and without a backslash comes back unchanged.
public enum TerminalText {
    /// `text` with control, bidirectional-override and separator characters escaped, and backslashes doubled.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else {
                output.append(scalar)
                continue
            }
            output.append(contentsOf: escape(scalar).unicodeScalars)
        }
        return String(output)
    }

    /// Each line of `text` escaped on its own, the line breaks kept: for multi-line messages written by Stemma or
    /// its argument parser (usage text) that may quote a value from the command line.
    public static func escapedLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(
            separator: "\n")
    }

    /// Whether `scalar` is shown as an escape.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x5C, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: false)
        switch scalar.value {
        case 0x5C: return "\\\\"
        case 0x09: return "\\t"
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x00...0x1F, 0x7F: return "\\x" + (hex.count < 2 ? "0" + hex : hex)
        default: return "\\u{" + hex + "}"
        }
    }
}

extension String {
    /// This text escaped for a terminal (``TerminalText/escaped(_:)``).
    public var terminalEscaped: String { TerminalText.escaped(self) }
}
