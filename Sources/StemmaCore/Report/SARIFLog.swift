/// Builds SARIF 2.1.0 logs, so CI systems (GitHub code scanning, GitLab, Azure DevOps) show findings natively.
///
/// Every rule carries a `fullDescription` and a `helpUri` (its row in docs/cli.md), every location a
/// percent-encoded artifact URI (a path with spaces or `#` round-trips) and a `region` when the line is known,
/// and the command line adds `invocations` with its exit code (``invoked(_:exitCode:)``).
public enum SARIFLog {
    /// Where rules are documented; each rule's `helpUri` is an anchor in this page.
    public static let documentation = "https://github.com/stemma-dev/stemma/blob/main/docs/cli.md"

    /// A SARIF rule: what a kind of result means.
    public struct Rule: Sendable {
        public var id: String
        public var summary: String
        public var fullDescription: String
        public var level: String
        public var helpUri: String
        public var properties: [(String, JSONValue)] = []

        public init(id: String, summary: String, fullDescription: String, level: String, helpUri: String) {
            self.id = id
            self.summary = summary
            self.fullDescription = fullDescription
            self.level = level
            self.helpUri = helpUri
        }
    }

    /// A SARIF result located at one file (and line, when known).
    public struct Result: Sendable {
        public var ruleId: String
        public var level: String
        public var message: String
        public var path: String
        public var line: Int?
        /// The byte offset in the artifact, when the finding is at one place in the file's own bytes.
        public var byteOffset: Int?
        public var properties: [(String, JSONValue)] = []

        public init(ruleId: String, level: String, message: String, path: String, line: Int? = nil) {
            self.ruleId = ruleId
            self.level = level
            self.message = message
            self.path = path
            self.line = line
        }
    }

    /// A SARIF log with one run of Stemma: one rule per finding code that occurs, one result per finding.
    /// - Parameters:
    ///   - findings: what to report.
    ///   - location: the artifact path for a finding (its file, or the signature when it names none).
    ///   - byteOffsets: the byte offset of each finding in its artifact, where known (same order as `findings`).
    public static func make(
        findings: [Finding], byteOffsets: [Int?] = [], location: (Finding) -> String
    ) -> JSONValue {
        var seen = Set<String>()
        var rules: [Rule] = []
        for code in findings.map(\.code) where seen.insert(code.rawValue).inserted {
            rules.append(rule(for: code))
        }
        let results = findings.enumerated().map { index, finding in
            var result = Result(
                ruleId: finding.code.rawValue, level: level(finding.severity), message: finding.message,
                path: location(finding))
            result.byteOffset = index < byteOffsets.count ? byteOffsets[index] : nil
            return result
        }
        return make(rules: rules, results: results)
    }

    /// A SARIF log with one run of Stemma from rules and results.
    public static func make(rules: [Rule], results: [Result]) -> JSONValue {
        let ruleValues = rules.map { rule -> JSONValue in
            var members: [(String, JSONValue)] = [
                ("id", .string(rule.id)),
                ("shortDescription", .object([("text", .string(rule.summary))])),
                ("fullDescription", .object([("text", .string(rule.fullDescription))])),
                ("helpUri", .string(rule.helpUri)),
                ("defaultConfiguration", .object([("level", .string(rule.level))])),
            ]
            if !rule.properties.isEmpty { members.append(("properties", .object(rule.properties))) }
            return .object(members)
        }
        let resultValues = results.map { result -> JSONValue in
            var physical: [(String, JSONValue)] = [
                ("artifactLocation", .object([("uri", .string(artifactURI(result.path)))]))
            ]
            if let line = result.line, line > 0 {
                physical.append(("region", .object([("startLine", .integer(line))])))
            } else if let offset = result.byteOffset, offset >= 0 {
                physical.append(("region", .object([("byteOffset", .integer(offset))])))
            }
            var members: [(String, JSONValue)] = [
                ("ruleId", .string(result.ruleId)),
                ("level", .string(result.level)),
                ("message", .object([("text", .string(result.message))])),
                ("locations", .array([.object([("physicalLocation", .object(physical))])])),
            ]
            if !result.properties.isEmpty { members.append(("properties", .object(result.properties))) }
            return .object(members)
        }
        let driver: JSONValue = .object([
            ("name", .string("stemma")),
            ("version", .string(StemmaVersion.current)),
            ("informationUri", .string("https://github.com/stemma-dev/stemma")),
            ("rules", .array(ruleValues)),
        ])
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([("tool", .object([("driver", driver)])), ("results", .array(resultValues))])])),
        ])
    }

    /// The rule for a finding code: its summary, what its severity does, and its row in docs/cli.md.
    public static func rule(for code: FindingCode) -> Rule {
        let effect =
            switch code.defaultSeverity {
            case .error: "By default an error: it fails verification (exit status 1)."
            case .warning: "By default a warning: it is reported but does not fail verification."
            case .note: "A note: information only."
            }
        return Rule(
            id: code.rawValue, summary: code.summary, fullDescription: "\(code.summary) \(effect)",
            level: level(code.defaultSeverity), helpUri: helpUri(forRule: code.rawValue))
    }

    /// The anchor of a rule's row in docs/cli.md: `code-` and the id with every character but letters and digits
    /// turned into `-` (`integrity.digest-mismatch` → `#code-integrity-digest-mismatch`).
    public static func helpUri(forRule id: String) -> String {
        let anchor = String(id.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
        return documentation + "#code-" + anchor
    }

    /// `log` with `invocations` in each run: the exit status, and whether the tool did its job (exit 0 or 1).
    public static func invoked(_ log: JSONValue, exitCode: Int32) -> JSONValue {
        guard case .object(var members) = log, let index = members.firstIndex(where: { $0.0 == "runs" }),
            case .array(let runs) = members[index].1
        else { return log }
        let invocation: JSONValue = .object([
            ("executionSuccessful", .bool(exitCode == 0 || exitCode == 1)),
            ("exitCode", .integer(Int(exitCode))),
        ])
        members[index].1 = .array(
            runs.map { run in
                guard case .object(var fields) = run else { return run }
                fields.removeAll { $0.0 == "invocations" }
                fields.append(("invocations", .array([invocation])))
                return .object(fields)
            })
        return .object(members)
    }

    /// A relative URI reference for a path: every byte but unreserved characters and `/` percent-encoded, so
    /// spaces, `#`, `?` and `%` in file names round-trip through a SARIF viewer.
    public static func artifactURI(_ path: String) -> String {
        var uri = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"), UInt8(ascii: "/"):
                uri.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                uri += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
            }
        }
        return uri
    }

    /// The SARIF level of a severity.
    public static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: return "error"
        case .warning: return "warning"
        case .note: return "note"
        }
    }
}

extension VerifyReport {
    /// The report as SARIF 2.1.0; findings about a file point at it inside the model.
    public func sarifValue() -> JSONValue {
        SARIFLog.make(findings: findings) { finding in
            guard let path = finding.path else { return signature }
            return model.hasSuffix("/") ? model + path : model + "/" + path
        }
    }
}
