/// Terminal styling, used only when output goes to a terminal and `NO_COLOR` is unset.
public struct TextStyle: Sendable {
    /// Whether to emit ANSI colour codes.
    public var color: Bool
    /// Creates a style.
    public init(color: Bool) { self.color = color }

    public func paint(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    public func red(_ text: String) -> String { paint(text, "1;31") }
    public func green(_ text: String) -> String { paint(text, "1;32") }
    public func yellow(_ text: String) -> String { paint(text, "33") }
    public func dim(_ text: String) -> String { paint(text, "2") }
}

extension VerifyReport {
    /// One line per finding, then a one-line summary. Every value that came from an input (names in messages, the
    /// model path, the signer) is escaped with ``TerminalText``, so no input can start a line or colour one.
    public func text(style: TextStyle) -> String {
        var lines: [String] = []
        for finding in findings {
            let label: String
            switch finding.severity {
            case .error: label = style.red("error  ")
            case .warning: label = style.yellow("warning")
            case .note: label = style.dim("note   ")
            }
            lines.append("\(label) \(finding.message.terminalEscaped) \(style.dim("[\(finding.code)]"))")
        }
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.filter { $0.severity == .warning }.count
        var details: [String] = []
        if let signer {
            let subject = signer.certificateSubject.map { ", \($0.terminalEscaped)" } ?? ""
            details.append(
                "signed by \(signer.name.terminalEscaped) (\(signer.method) \(signer.keyFingerprint.prefix(12))\(subject))"
            )
        }
        if let method, let hashType {
            details.append(
                "\(counts.resourcesSigned) \(method == "shards" ? "shards" : "files") \(hashType.terminalEscaped)")
        }
        details.append("\(ByteCount.describe(counts.bytesHashed)) hashed in \(format3(seconds)) s")
        switch verdict {
        case .verified:
            let note = warnings > 0 ? ", \(warnings) warning\(warnings == 1 ? "" : "s")" : ""
            lines.append(
                "\(style.green("VERIFIED")) \(model.terminalEscaped): \(details.joined(separator: "; "))\(note)")
            if let rootDigest { lines.append(style.dim("root digest sha256:\(rootDigest)")) }
        case .failed:
            let count = errors == 0 ? "no trusted signer" : "\(errors) error\(errors == 1 ? "" : "s")"
            lines.append(
                "\(style.red("NOT VERIFIED")) \(model.terminalEscaped): \(count); \(details.joined(separator: "; "))")
        }
        return lines.joined(separator: "\n")
    }
}

/// Human-readable byte counts (binary units).
public enum ByteCount {
    /// `512 B`, `1.5 KiB`, `2.0 GiB`.
    public static func describe(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return "\(bytes) B" }
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }
}
