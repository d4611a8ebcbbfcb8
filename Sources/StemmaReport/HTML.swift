import StemmaCore

/// HTML text from values that came from inputs. Every name, version, owner and reason in a report is hostile: it
/// goes through ``text(_:)`` (or ``attribute(_:)``) and nothing else.
public enum HTML {
    /// `value` safe as element content and inside a quoted attribute: control and bidirectional characters shown
    /// as ``TerminalText`` escapes first (a right-to-left override in an agent name must not reorder the page),
    /// then `& < > " '` as character references.
    public static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value.terminalEscaped {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// The same escaping, named for attribute values (always written in double quotes).
    public static func attribute(_ value: String) -> String { text(value) }

    /// A link to an advisory, only for ids made of letters, digits and `-._:` (an OSV id); nil otherwise, so a
    /// hostile id never becomes a URL.
    public static func advisoryURL(_ id: String) -> String? {
        guard !id.isEmpty, id.count <= 80,
            id.unicodeScalars.allSatisfy({
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
                    || "-._:".unicodeScalars.contains($0)
            })
        else { return nil }
        return "https://osv.dev/vulnerability/" + id
    }
}
