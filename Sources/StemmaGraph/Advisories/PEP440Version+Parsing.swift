/// A hand-written matcher equivalent to `packaging` 26's `VERSION_PATTERN`.
///
/// `packaging` compiles the pattern with possessive groups, so every optional part either matches at its first
/// opportunity or not at all; that makes a single left-to-right pass exact (no backtracking is ever needed).
struct PEP440Parser {
    private let bytes: [UInt8]
    private var index = 0

    private init(bytes: [UInt8]) { self.bytes = bytes }

    static func parse(_ text: String) -> PEP440Version? {
        guard text.utf8.count <= PEP440Version.maximumLength else { return nil }
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, isPythonWhitespace(first) { scalars.removeFirst() }
        while let last = scalars.last, isPythonWhitespace(last) { scalars.removeLast() }
        guard !scalars.isEmpty, scalars.allSatisfy(\.isASCII) else { return nil }
        // Everything the pattern matches is ASCII and case-insensitive.
        var parser = PEP440Parser(bytes: scalars.map { UInt8($0.value) | (isUpperASCII($0) ? 0x20 : 0) })
        return parser.version()
    }

    /// Python's `\s` for `str` patterns: Unicode white space plus the ASCII information separators.
    private static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    private static func isUpperASCII(_ scalar: Unicode.Scalar) -> Bool { (0x41...0x5A).contains(scalar.value) }

    private mutating func version() -> PEP440Version? {
        _ = take("v")
        let epoch = epochPart() ?? .zero
        guard let release = releasePart() else { return nil }
        let pre = preReleasePart()
        let post = postReleasePart()
        let dev = devReleasePart()
        let local = localPart()
        guard index == bytes.count else { return nil }
        return PEP440Version(epoch: epoch, release: release, pre: pre, post: post, dev: dev, local: local)
    }

    // MARK: - Parts (each restores the position when it does not match)

    private mutating func epochPart() -> VersionNumeral? {
        let start = index
        if let number = digits(), take("!") { return number }
        index = start
        return nil
    }

    private mutating func releasePart() -> [VersionNumeral]? {
        guard let first = digits() else { return nil }
        var segments = [first]
        while true {
            let start = index
            guard take("."), let next = digits() else {
                index = start
                break
            }
            segments.append(next)
        }
        return segments
    }

    private mutating func preReleasePart() -> (kind: PEP440Version.PreReleaseKind, number: VersionNumeral)? {
        let start = index
        _ = separator()
        // Alternatives in the pattern's order: alpha|a|beta|b|preview|pre|c|rc.
        let spellings: [(String, PEP440Version.PreReleaseKind)] = [
            ("alpha", .alpha), ("a", .alpha), ("beta", .beta), ("b", .beta),
            ("preview", .releaseCandidate), ("pre", .releaseCandidate), ("c", .releaseCandidate),
            ("rc", .releaseCandidate),
        ]
        guard let kind = spellings.first(where: { take($0.0) })?.1 else {
            index = start
            return nil
        }
        _ = separator()
        return (kind, digits() ?? .zero)
    }

    private mutating func postReleasePart() -> VersionNumeral? {
        let start = index
        if take("-"), let number = digits() { return number }
        index = start
        _ = separator()
        guard ["post", "rev", "r"].contains(where: { take($0) }) else {
            index = start
            return nil
        }
        _ = separator()
        return digits() ?? .zero
    }

    private mutating func devReleasePart() -> VersionNumeral? {
        let start = index
        _ = separator()
        guard take("dev") else {
            index = start
            return nil
        }
        _ = separator()
        return digits() ?? .zero
    }

    private mutating func localPart() -> [PEP440Version.LocalSegment]? {
        let start = index
        guard take("+"), let first = alphanumerics() else {
            index = start
            return nil
        }
        var segments = [first]
        while true {
            let before = index
            guard separator(), let next = alphanumerics() else {
                index = before
                break
            }
            segments.append(next)
        }
        return segments.map { text in
            VersionNumeral(text).map { .number($0) } ?? .word(String(text))
        }
    }

    // MARK: - Tokens

    private mutating func take(_ literal: String) -> Bool {
        let end = index + literal.utf8.count
        guard end <= bytes.count, bytes[index..<end].elementsEqual(literal.utf8) else { return false }
        index = end
        return true
    }

    private mutating func separator() -> Bool {
        guard index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_")].contains(bytes[index])
        else { return false }
        index += 1
        return true
    }

    private mutating func digits() -> VersionNumeral? {
        let start = index
        while index < bytes.count, bytes[index].isASCIIDigit { index += 1 }
        guard index > start else { return nil }
        return VersionNumeral(Substring(decoding: bytes[start..<index], as: UTF8.self))
    }

    private mutating func alphanumerics() -> Substring? {
        let start = index
        while index < bytes.count, bytes[index].isASCIIDigit || bytes[index].isASCIILetter { index += 1 }
        guard index > start else { return nil }
        return Substring(decoding: bytes[start..<index], as: UTF8.self)
    }
}
