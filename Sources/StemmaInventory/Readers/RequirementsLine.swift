/// One logical line of a requirements file: continuations joined, the comment removed, as pip reads it.
struct RequirementsLine {
    /// The text, trimmed.
    var text: String
    /// The number of its first physical line (from 1).
    var number: Int

    /// The logical lines of a requirements file, empty ones left out.
    ///
    /// As in pip, a line ending in `\` continues on the next one, unless it is itself a comment; a comment is `#`
    /// at the start of a line or after whitespace.
    static func lines(of text: String) -> [RequirementsLine] {
        var result: [RequirementsLine] = []
        var pending = ""
        var pendingNumber = 0
        var number = 0
        for physical in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            var line = Substring(physical)
            if line.last == "\r" { line = line.dropLast() }
            let isComment = line.drop { $0 == " " || $0 == "\t" }.first == "#"
            if line.last == "\\" && !isComment {
                if pending.isEmpty { pendingNumber = number }
                pending += line.dropLast()
                continue
            }
            let logical = pending.isEmpty ? String(line) : pending + (isComment ? "" : line)
            let start = pending.isEmpty ? number : pendingNumber
            pending = ""
            let text = withoutComment(logical)
            if !text.isEmpty { result.append(RequirementsLine(text: text, number: start)) }
        }
        let text = withoutComment(pending)
        if !text.isEmpty { result.append(RequirementsLine(text: text, number: pendingNumber)) }
        return result
    }

    /// The text before a `#` that starts it or follows whitespace, trimmed.
    private static func withoutComment(_ text: String) -> String {
        var previous: Character = " "
        var end = text.endIndex
        for index in text.indices {
            if text[index] == "#" && (previous == " " || previous == "\t") {
                end = index
                break
            }
            previous = text[index]
        }
        return trimmed(text[..<end])
    }

    static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// Whether a physical line reads as a requirement: a PEP 508 name followed by the end, extras, a version
    /// specifier, a marker, a URL, an option or a continuation. Prose and shell commands do not.
    static func looksLikeRequirement(_ line: Substring) -> Bool {
        let name = line.prefix { isNameCharacter($0) }
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        let rest = line.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        guard let next = rest.first else { return true }
        return "[=<>~!;@\\-#(".contains(next)
    }

    static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
    }
}

/// A named requirement: `name[extras] specifier ; marker --hash=alg:hex …`, or `name @ url ; marker …`.
struct Requirement {
    var name: String
    var extras: [String] = []
    /// The version specifier without spaces (`==2.32.3`, `>=1,<2`), empty for none.
    var specifier = ""
    /// The direct reference of `name @ url`.
    var url: String?
    var marker: String?
    /// The values of `--hash` options, as written (`sha256:…`).
    var hashes: [String] = []

    /// Parses a logical line; nil when it does not start with a requirement name (a path or a bare URL).
    init?(_ text: String) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let requirementTokens = tokens.prefix { !$0.hasPrefix("-") }
        var options = tokens.dropFirst(requirementTokens.count)[...]
        while let option = options.popFirst() {
            if option.hasPrefix("--hash=") {
                hashes.append(String(option.dropFirst("--hash=".count)))
            } else if option == "--hash", let value = options.popFirst() {
                hashes.append(String(value))
            }
        }
        let requirement = requirementTokens.joined(separator: " ")
        let parts = requirement.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            let marker = RequirementsLine.trimmed(parts[1])
            self.marker = marker.isEmpty ? nil : marker
        }
        let head = Substring(RequirementsLine.trimmed(parts.first ?? ""))
        let name = head.prefix { RequirementsLine.isNameCharacter($0) }
        guard let first = name.first, first.isLetter || first.isNumber else { return nil }
        self.name = String(name)
        var rest = head.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
        if rest.first == "[" {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            extras = rest[rest.index(after: rest.startIndex)..<close].split(separator: ",").map {
                RequirementsLine.trimmed($0)
            }.filter { !$0.isEmpty }
            rest = rest[rest.index(after: close)...].drop { $0 == " " || $0 == "\t" }
        }
        if rest.first == "@" {
            url = RequirementsLine.trimmed(rest.dropFirst())
        } else {
            var specifier = rest.filter { $0 != " " && $0 != "\t" }
            if specifier.hasPrefix("(") && specifier.hasSuffix(")") {
                specifier = String(specifier.dropFirst().dropLast())
            }
            self.specifier = specifier
        }
    }

    /// The version pinned by exactly one `==V` (no wildcard) or `===V`; nil otherwise.
    var pinnedVersion: String? {
        let version: Substring
        if specifier.hasPrefix("===") {
            version = specifier.dropFirst(3)
        } else if specifier.hasPrefix("==") {
            version = specifier.dropFirst(2)
        } else {
            return nil
        }
        guard !version.isEmpty, !version.contains(where: { ",*=<>!~".contains($0) }) else { return nil }
        return String(version)
    }
}
