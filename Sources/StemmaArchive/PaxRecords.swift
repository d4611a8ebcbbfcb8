/// The records of one pax extended header (`x`) or global header (`g`), parsed strictly.
///
/// A record is `LENGTH KEYWORD=VALUE\n` where LENGTH counts the whole record. The records must tile the body
/// exactly: Python's `tarfile` stops at a NUL where a record would start and reads on into the block padding,
/// GNU tar reads exactly the body, so anything else would be read two ways. A keyword given twice is refused for
/// the same reason (which one wins differs between readers).
struct PaxRecords {
    private(set) var values: [String: [UInt8]] = [:]

    /// Keywords that change a member's name, link, size or data layout for at least one common reader.
    static let layoutKeywords: Set<String> = ["path", "linkpath", "size", "SCHILY.realsize", "SUN.holesdata"]

    /// Parses `body`.
    /// - Returns: the records, or a sentence saying what is wrong.
    static func parse(_ body: [UInt8]) -> Result<PaxRecords, FormatProblem> {
        var records = PaxRecords()
        var position = 0
        while position < body.count {
            var cursor = position
            var length = 0
            while cursor < body.count, body[cursor] >= UInt8(ascii: "0"), body[cursor] <= UInt8(ascii: "9") {
                guard cursor - position < 20 else {
                    return .failure(FormatProblem("has a record length that is too long"))
                }
                length = length * 10 + Int(body[cursor] - UInt8(ascii: "0"))
                cursor += 1
            }
            guard cursor > position, cursor < body.count, body[cursor] == UInt8(ascii: " ") else {
                return .failure(FormatProblem("has a record at byte \(position) that does not start with its length"))
            }
            guard length >= 5, length <= body.count - position else {
                return .failure(FormatProblem("has a record at byte \(position) whose length \(length) does not fit"))
            }
            let end = position + length - 1
            guard body[end] == UInt8(ascii: "\n") else {
                return .failure(FormatProblem("has a record at byte \(position) that does not end with a newline"))
            }
            let record = body[(cursor + 1)..<end]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")), equals > record.startIndex else {
                return .failure(FormatProblem("has a record at byte \(position) without a keyword"))
            }
            guard let keyword = String(validating: record[..<equals], as: UTF8.self) else {
                return .failure(FormatProblem("has a keyword that is not UTF-8"))
            }
            guard records.values.updateValue(Array(record[(equals + 1)...]), forKey: keyword) == nil else {
                return .failure(FormatProblem("gives '\(keyword)' twice, and readers differ in which one they use"))
            }
            position += length
        }
        return .success(records)
    }

    subscript(_ keyword: String) -> [UInt8]? { values[keyword] }

    /// The keywords present that change names, links, sizes or layout, sorted, `GNU.sparse.*` included.
    var layoutKeywordsPresent: [String] {
        values.keys.filter { Self.layoutKeywords.contains($0) || $0.hasPrefix("GNU.sparse.") }.sorted()
    }

    /// A decimal value with digits only (Python's `int()` also takes spaces, `+` and `_`; GNU tar does not).
    static func decimal(_ bytes: [UInt8]) -> Int64? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// Why a tar structure cannot be read the same way by every reader.
struct FormatProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
