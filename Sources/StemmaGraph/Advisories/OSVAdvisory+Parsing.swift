public import StemmaCore

extension OSVAdvisory {
    /// Bounds for one OSV record: 32 MiB (the largest real records, kernel ones, are a few MiB), depth 64,
    /// 2 million values.
    public static let jsonLimits = JSONLimits(maxBytes: 32 << 20, maxDepth: 64, maxValues: 2_000_000)

    /// Parses one OSV record (schema 1.x) from JSON bytes.
    /// - Parameters:
    ///   - bytes: the record, as served by osv.dev or stored in an advisory database.
    ///   - source: a name for messages, usually the file path.
    /// - Throws: ``StemmaError`` naming `source`: `.limitExceeded` past ``jsonLimits``, `.malformedInput` for
    ///   invalid JSON or a field of the wrong type or shape (an event with no or two kinds, no `id`, …).
    public static func parse(_ bytes: [UInt8], source: String) throws(StemmaError) -> OSVAdvisory {
        try OSVAdvisory(json: JSONParser.parse(bytes, limits: jsonLimits, source: source), source: source)
    }

    /// Reads one OSV record from an already parsed JSON value (for example one element of an API response).
    /// - Throws: ``StemmaError`` `.malformedInput` naming `source` and the field.
    public init(json: JSONValue, source: String) throws(StemmaError) {
        let reader = OSVFieldReader(source: source)
        guard json.objectValue != nil else { throw reader.failure("the record", "an object", found: json) }
        guard let id = try reader.string(json["id"], "id"), !id.trimmedWhitespace.isEmpty else {
            throw StemmaError(.malformedInput, "'\(source)' is not an OSV record: it has no 'id'")
        }
        var words: [String] = []
        if let word = try reader.string(json["database_specific"]?["severity"], "database_specific.severity") {
            words.append(word)
        }
        var affected: [OSVAffected] = []
        for (index, entry) in try reader.array(json["affected"], "affected").enumerated() {
            let path = "affected[\(index)]"
            affected.append(try reader.affected(entry, path: path, isMalicious: id.hasPrefix("MAL-")))
            for key in ["database_specific", "ecosystem_specific"] {
                if let word = try reader.string(entry[key]?["severity"], "\(path).\(key).severity") {
                    words.append(word)
                }
            }
        }
        self.init(
            id: id, summary: try reader.string(json["summary"], "summary"),
            details: try reader.string(json["details"], "details"),
            aliases: try reader.strings(json["aliases"], "aliases"),
            modified: try reader.string(json["modified"], "modified"),
            withdrawn: try reader.string(json["withdrawn"], "withdrawn"),
            scores: try reader.scores(json["severity"], "severity"), affected: affected, severityWords: words)
    }
}

/// Typed access to an OSV record's fields, with errors that name the file and the field.
///
/// A missing field or `null` reads as absent; a present field of the wrong type is an error, so hostile or
/// corrupt records are refused rather than half-read.
private struct OSVFieldReader {
    let source: String

    func failure(_ path: String, _ expected: String, found: JSONValue) -> StemmaError {
        StemmaError(.malformedInput, "'\(source)': \(path) must be \(expected), found \(found.kindName)")
    }

    func string(_ value: JSONValue?, _ path: String) throws(StemmaError) -> String? {
        guard let value, value != .null else { return nil }
        guard let text = value.stringValue else { throw failure("'\(path)'", "a string", found: value) }
        return text
    }

    func array(_ value: JSONValue?, _ path: String) throws(StemmaError) -> [JSONValue] {
        guard let value, value != .null else { return [] }
        guard let elements = value.arrayValue else { throw failure("'\(path)'", "an array", found: value) }
        return elements
    }

    func strings(_ value: JSONValue?, _ path: String) throws(StemmaError) -> [String] {
        var texts: [String] = []
        for (index, element) in try array(value, path).enumerated() {
            guard let text = element.stringValue else {
                throw failure("'\(path)[\(index)]'", "a string", found: element)
            }
            texts.append(text)
        }
        return texts
    }

    func scores(_ value: JSONValue?, _ path: String) throws(StemmaError) -> [OSVSeverityScore] {
        var scores: [OSVSeverityScore] = []
        for (index, element) in try array(value, path).enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard element.objectValue != nil else { throw failure("'\(itemPath)'", "an object", found: element) }
            guard let type = try string(element["type"], "\(itemPath).type"),
                let score = try string(element["score"], "\(itemPath).score")
            else {
                throw StemmaError(.malformedInput, "'\(source)': '\(itemPath)' needs a 'type' and a 'score'")
            }
            scores.append(OSVSeverityScore(type: type, score: score))
        }
        return scores
    }

    func affected(_ entry: JSONValue, path: String, isMalicious: Bool) throws(StemmaError) -> OSVAffected {
        guard entry.objectValue != nil else { throw failure("'\(path)'", "an object", found: entry) }
        guard let package = entry["package"], package.objectValue != nil else {
            throw StemmaError(.malformedInput, "'\(source)': '\(path)' has no 'package' object")
        }
        guard let ecosystem = try string(package["ecosystem"], "\(path).package.ecosystem"),
            let name = try string(package["name"], "\(path).package.name")
        else {
            throw StemmaError(.malformedInput, "'\(source)': '\(path).package' needs an 'ecosystem' and a 'name'")
        }
        var ranges: [OSVRange] = []
        for (index, range) in try array(entry["ranges"], "\(path).ranges").enumerated() {
            ranges.append(try self.range(range, path: "\(path).ranges[\(index)]"))
        }
        return OSVAffected(
            ecosystem: ecosystem, name: name, purl: try string(package["purl"], "\(path).package.purl"),
            ranges: ranges, versions: try strings(entry["versions"], "\(path).versions"),
            scores: try scores(entry["severity"], "\(path).severity"), isMalicious: isMalicious)
    }

    func range(_ value: JSONValue, path: String) throws(StemmaError) -> OSVRange {
        guard value.objectValue != nil else { throw failure("'\(path)'", "an object", found: value) }
        guard let type = try string(value["type"], "\(path).type") else {
            throw StemmaError(.malformedInput, "'\(source)': '\(path)' has no 'type'")
        }
        var events: [OSVEvent] = []
        for (index, event) in try array(value["events"], "\(path).events").enumerated() {
            events.append(try self.event(event, path: "\(path).events[\(index)]"))
        }
        return OSVRange(
            kind: OSVRange.Kind(type), repository: try string(value["repo"], "\(path).repo"), events: events)
    }

    /// An event object has exactly one of `introduced`, `fixed`, `last_affected`, `limit` (schema requirement).
    func event(_ value: JSONValue, path: String) throws(StemmaError) -> OSVEvent {
        guard value.objectValue != nil else { throw failure("'\(path)'", "an object", found: value) }
        var found: [OSVEvent] = []
        if let version = try string(value["introduced"], "\(path).introduced") { found.append(.introduced(version)) }
        if let version = try string(value["fixed"], "\(path).fixed") { found.append(.fixed(version)) }
        if let version = try string(value["last_affected"], "\(path).last_affected") {
            found.append(.lastAffected(version))
        }
        if let version = try string(value["limit"], "\(path).limit") { found.append(.limit(version)) }
        guard found.count == 1, let event = found.first else {
            throw StemmaError(
                .malformedInput,
                "'\(source)': '\(path)' must have exactly one of introduced, fixed, last_affected, limit")
        }
        return event
    }
}
