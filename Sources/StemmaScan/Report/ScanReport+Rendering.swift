public import StemmaCore

extension ScanReport {
    /// `{"files": [{"path", "format", "verdict", "findings": [...]}], "summary": {...}}`; optional evidence keys
    /// are left out when absent. The layout is `schemas/scan-report.schema.json`.
    public func jsonValue() -> JSONValue {
        let summary: [(String, JSONValue)] =
            [("files", .integer(Int64(files.count)))]
            + ScanVerdict.allCases.map { ($0.rawValue, .integer(Int64(count($0)))) }
        return .object([
            ("schemaVersion", .integer(1)),
            ("files", .array(files.map(Self.json))),
            ("summary", .object(summary)),
        ])
    }

    private static func json(_ file: ScannedFile) -> JSONValue {
        .object([
            ("path", .string(file.path)), ("format", .string(file.format)), ("verdict", .string(file.verdict.rawValue)),
            ("findings", .array(file.findings.map(json))),
        ])
    }

    private static func json(_ finding: ScanFinding) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("code", .string(finding.code.rawValue)), ("verdict", .string(finding.verdict.rawValue)),
            ("severity", .string(finding.severity.rawValue)), ("message", .string(finding.message)),
        ]
        let evidence = finding.evidence
        if !evidence.member.isEmpty { members.append(("member", .array(evidence.member.map(JSONValue.string)))) }
        if let index = evidence.pickleIndex { members.append(("pickle", .integer(Int64(index)))) }
        if let offset = evidence.offset { members.append(("offset", .integer(Int64(offset)))) }
        if let opcode = evidence.opcode { members.append(("opcode", .string(opcode))) }
        if let global = evidence.global { members.append(("global", .string(global))) }
        if let spelled = evidence.spelledAs { members.append(("spelledAs", .string(spelled))) }
        if let called = evidence.called { members.append(("called", .bool(called))) }
        if let detail = evidence.detail { members.append(("detail", .string(detail))) }
        return .object(members)
    }

    /// One line per finding (the worst first in each file), then one line per file that is not safe is implied by
    /// its findings, then a summary line. Paths, members and messages are escaped with ``TerminalText``: a file
    /// name holding a newline or an ANSI sequence cannot forge a line.
    public func text(style: TextStyle) -> String {
        var lines: [String] = []
        for file in files {
            for finding in file.findings.sorted(by: { $0.verdict > $1.verdict }) {
                let label: String
                switch finding.verdict {
                case .dangerous: label = style.red("dangerous ")
                case .malformed: label = style.red("malformed ")
                case .suspicious: label = style.yellow("suspicious")
                case .safe: label = style.dim("note      ")
                }
                var where_ = finding.location(in: file.path)
                if let index = finding.evidence.pickleIndex, index > 0 { where_ += " pickle \(index)" }
                if let offset = finding.evidence.offset { where_ += " @\(offset)" }
                if let opcode = finding.evidence.opcode { where_ += " \(opcode)" }
                var message = finding.message
                if let spelled = finding.evidence.spelledAs { message += " (spelled \(spelled))" }
                lines.append(
                    "\(label) \(where_.terminalEscaped): \(message.terminalEscaped) \(style.dim("[\(finding.code)]"))")
            }
        }
        let counts = ScanVerdict.allCases.reversed().compactMap { verdict -> String? in
            let n = count(verdict)
            return n == 0 ? nil : "\(n) \(verdict.rawValue)"
        }
        let summary = "\(files.count) file\(files.count == 1 ? "" : "s") scanned in \(format3(seconds)) s"
        let detail = counts.isEmpty ? "" : ": " + counts.joined(separator: ", ")
        switch verdict {
        case .safe: lines.append("\(style.green("SAFE")) \(summary)\(detail)")
        case .suspicious: lines.append("\(style.yellow("SUSPICIOUS")) \(summary)\(detail)")
        case .malformed, .dangerous: lines.append("\(style.red("UNSAFE")) \(summary)\(detail)")
        }
        return lines.joined(separator: "\n")
    }

    /// SARIF 2.1.0, one result per finding, located at its file; a member inside an archive is named at the start
    /// of the message (`archive/data.pkl: …`), since a SARIF artifact URI names a file, not a path inside one.
    public func sarifValue() -> JSONValue {
        var findings: [Finding] = []
        var offsets: [Int?] = []
        for file in files {
            for finding in file.findings {
                let member = finding.evidence.member.joined(separator: "!")
                let message = member.isEmpty ? finding.message : "\(member): \(finding.message)"
                findings.append(Finding(finding.code, message, path: file.path, severity: finding.severity))
                // An offset inside an archive member is not an offset in the file the URI names.
                offsets.append(member.isEmpty ? finding.evidence.offset : nil)
            }
        }
        return SARIFLog.make(findings: findings, byteOffsets: offsets) { $0.path ?? "" }
    }
}
