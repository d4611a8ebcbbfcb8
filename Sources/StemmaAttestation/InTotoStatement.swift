public import StemmaCore

/// An in-toto Statement v1: subjects, a predicate type, and the predicate itself.
public struct InTotoStatement: Sendable {
    /// The `_type` every v1 statement carries.
    public static let type = "https://in-toto.io/Statement/v1"

    /// The artifacts the statement is about (at least one).
    public var subjects: [AttestationSubject]
    /// The predicate's type URI, such as `https://cyclonedx.org/bom`.
    public var predicateType: String
    /// The predicate, embedded as JSON (the BOM object itself, not a string).
    public var predicate: JSONValue

    /// Creates a statement.
    public init(subjects: [AttestationSubject], predicateType: String, predicate: JSONValue) {
        self.subjects = subjects
        self.predicateType = predicateType
        self.predicate = predicate
    }

    /// The statement as JSON, members in the order the in-toto specification lists them.
    public func jsonValue() -> JSONValue {
        .object([
            ("_type", .string(Self.type)),
            ("subject", .array(subjects.map { $0.jsonValue() })),
            ("predicateType", .string(predicateType)),
            ("predicate", predicate),
        ])
    }

    /// Reads a statement from verified payload bytes.
    ///
    /// Unknown members are ignored, as the specification requires.
    /// - Returns: the statement, or the reasons it is not a well-formed Statement v1.
    public static func parse(_ payload: [UInt8], source: String) -> Result<InTotoStatement, StatementProblems> {
        let value: JSONValue
        do {
            value = try JSONParser.parse(payload, source: source + " payload")
        } catch {
            return .failure(StatementProblems(reasons: ["\(error)"]))
        }
        guard case .object = value else {
            return .failure(
                StatementProblems(reasons: ["'\(source)': the payload is \(value.kindName), not an object"]))
        }
        var reasons: [String] = []
        if value["_type"]?.stringValue != type {
            reasons.append("'\(source)': the statement's _type is not \"\(type)\"")
        }
        let predicateType = value["predicateType"]?.stringValue ?? ""
        if predicateType.isEmpty { reasons.append("'\(source)': the statement has no predicateType string") }
        let subjects = parseSubjects(value["subject"], source: source, reasons: &reasons)
        guard reasons.isEmpty else { return .failure(StatementProblems(reasons: reasons)) }
        return .success(
            InTotoStatement(subjects: subjects, predicateType: predicateType, predicate: value["predicate"] ?? .null))
    }

    private static func parseSubjects(_ value: JSONValue?, source: String, reasons: inout [String])
        -> [AttestationSubject]
    {
        guard let entries = value?.arrayValue, !entries.isEmpty else {
            reasons.append("'\(source)': the statement's subject must be a non-empty array")
            return []
        }
        var subjects: [AttestationSubject] = []
        for (index, entry) in entries.enumerated() {
            let label = "'\(source)': subject \(index + 1)"
            guard case .object = entry, let members = entry["digest"]?.objectValue, !members.isEmpty else {
                reasons.append("\(label) has no non-empty digest map")
                continue
            }
            var digests: [(algorithm: String, hex: String)] = []
            for (algorithm, digest) in members {
                guard let hex = digest.stringValue, isLowercaseHex(hex) else {
                    reasons.append("\(label) digest \"\(algorithm)\" is not lowercase hex")
                    continue
                }
                digests.append((algorithm, hex))
            }
            if let name = entry["name"], name != .null, name.stringValue == nil {
                reasons.append("\(label) name is not a string")
            }
            subjects.append(AttestationSubject(name: entry["name"]?.stringValue ?? "", digests: digests))
        }
        return subjects
    }

    /// Whether `text` is non-empty, of even length, and only `0-9a-f`.
    static func isLowercaseHex(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count % 2 == 0
            && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}

/// Why a payload is not a well-formed in-toto Statement v1.
public struct StatementProblems: Error, Sendable {
    /// One sentence per problem, each naming the envelope file.
    public var reasons: [String]
}
