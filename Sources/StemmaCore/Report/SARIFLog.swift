/// Builds SARIF 2.1.0 logs, so CI systems (GitHub code scanning, GitLab, Azure DevOps) show findings natively.
public enum SARIFLog {
    /// A SARIF log with one run of Stemma: one rule per finding code that occurs, one result per finding.
    /// - Parameters:
    ///   - findings: what to report.
    ///   - location: the artifact URI for a finding (its file, or the signature when it names none).
    public static func make(findings: [Finding], location: (Finding) -> String) -> JSONValue {
        var seen = Set<String>()
        var rules: [JSONValue] = []
        for code in findings.map(\.code) where seen.insert(code.rawValue).inserted {
            rules.append(
                .object([
                    ("id", .string(code.rawValue)),
                    ("shortDescription", .object([("text", .string(code.summary))])),
                    ("defaultConfiguration", .object([("level", .string(level(code.defaultSeverity)))])),
                ]))
        }
        let results = findings.map { finding -> JSONValue in
            .object([
                ("ruleId", .string(finding.code.rawValue)),
                ("level", .string(level(finding.severity))),
                ("message", .object([("text", .string(finding.message))])),
                (
                    "locations",
                    .array([
                        .object([
                            (
                                "physicalLocation",
                                .object([("artifactLocation", .object([("uri", .string(location(finding)))]))])
                            )
                        ])
                    ])
                ),
            ])
        }
        let driver: JSONValue = .object([
            ("name", .string("stemma")),
            ("version", .string(StemmaVersion.current)),
            ("informationUri", .string("https://github.com/stemma-dev/stemma")),
            ("rules", .array(rules)),
        ])
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([("tool", .object([("driver", driver)])), ("results", .array(results))])])),
        ])
    }

    private static func level(_ severity: Severity) -> String {
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
