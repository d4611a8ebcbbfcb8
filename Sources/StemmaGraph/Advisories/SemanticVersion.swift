import StemmaCore

/// A Semantic Versioning 2.0.0 version, ordered by SemVer precedence (section 11).
///
/// `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`, with an optional leading `v` (OSV `SEMVER` ranges omit it; npm
/// tooling often writes it). Build metadata is kept for ``description`` but ignored by `==`, `<` and hashing, as
/// the specification says. Numeric identifiers may not have leading zeros and may be of any length.
public struct SemanticVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// One dot-separated pre-release identifier; numeric ones sort before alphanumeric ones.
    enum Identifier: Hashable, Sendable {
        case number(VersionNumeral)
        case text(String)
    }

    let major: VersionNumeral
    let minor: VersionNumeral
    let patch: VersionNumeral
    let preRelease: [Identifier]
    /// The build metadata after `+`, as written; not part of precedence.
    public let buildMetadata: String?

    /// Parses a SemVer 2.0.0 version.
    /// - Returns: nil for anything else (`1.0`, `01.2.3`, `1.2.3-`, `1.2.3-01`, a text over 1,024 bytes).
    public init?(_ text: String) {
        guard text.utf8.count <= 1024 else { return nil }
        var rest = Substring(text.trimmedWhitespace)
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        var build: String?
        if let plus = rest.firstIndex(of: "+") {
            let metadata = rest[rest.index(after: plus)...]
            guard Self.isValidIdentifierList(metadata) else { return nil }
            build = String(metadata)
            rest = rest[..<plus]
        }
        var identifiers: [Identifier] = []
        if let dash = rest.firstIndex(of: "-") {
            let pre = rest[rest.index(after: dash)...]
            guard Self.isValidIdentifierList(pre) else { return nil }
            for part in pre.split(separator: ".", omittingEmptySubsequences: false) {
                if let number = Self.numericIdentifier(part) {
                    identifiers.append(.number(number))
                } else if part.utf8.allSatisfy(\.isASCIIDigit) {
                    return nil  // a numeric identifier with a leading zero
                } else {
                    identifiers.append(.text(String(part)))
                }
            }
            rest = rest[..<dash]
        }
        let core = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard core.count == 3, let major = Self.numericIdentifier(core[0]), let minor = Self.numericIdentifier(core[1]),
            let patch = Self.numericIdentifier(core[2])
        else { return nil }
        self.major = major
        self.minor = minor
        self.patch = patch
        self.preRelease = identifiers
        self.buildMetadata = build
    }

    /// True when the version has pre-release identifiers (`1.0.0-rc.1`).
    public var isPreRelease: Bool { !preRelease.isEmpty }

    /// The version without a leading `v`: `1.2.3-rc.1+build.5`.
    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !preRelease.isEmpty {
            text +=
                "-"
                + preRelease.map { identifier -> String in
                    switch identifier {
                    case .number(let number): return number.digits
                    case .text(let word): return word
                    }
                }.joined(separator: ".")
        }
        if let buildMetadata { text += "+" + buildMetadata }
        return text
    }

    /// `0` or digits without a leading zero.
    private static func numericIdentifier(_ text: Substring) -> VersionNumeral? {
        guard let number = VersionNumeral(text), text.count == 1 || text.first != "0" else { return nil }
        return number
    }

    /// Non-empty dot-separated identifiers of `[0-9A-Za-z-]`.
    private static func isValidIdentifierList(_ text: Substring) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { $0.isASCIIDigit || $0.isASCIILetter || $0 == UInt8(ascii: "-") }
        }
    }

    /// Three-way precedence comparison: -1, 0 or 1.
    func compare(to other: SemanticVersion) -> Int {
        for order in [
            compareValues(major, other.major), compareValues(minor, other.minor),
            compareValues(patch, other.patch),
        ]
        where order != 0 {
            return order
        }
        switch (preRelease.isEmpty, other.preRelease.isEmpty) {
        case (true, true): return 0
        case (true, false): return 1
        case (false, true): return -1
        case (false, false): return compareSequences(preRelease, other.preRelease, by: Self.compareIdentifiers)
        }
    }

    private static func compareIdentifiers(_ lhs: Identifier, _ rhs: Identifier) -> Int {
        switch (lhs, rhs) {
        case let (.number(left), .number(right)): return compareValues(left, right)
        case let (.text(left), .text(right)): return compareBytes(left, right)
        case (.number, .text): return -1
        case (.text, .number): return 1
        }
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { lhs.compare(to: rhs) < 0 }

    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool { lhs.compare(to: rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(preRelease)
    }
}
