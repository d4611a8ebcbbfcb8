public import StemmaCrypto

/// A rule on a certificate's subject: attribute terms (`CN=fraud-*, O=Acme Bank`) matched against the parsed
/// attributes of the subject, one attribute at a time.
///
/// A glob only ever runs inside one attribute's value, so a subject `CN=mallory,OU=CN=fraud-x` does not match
/// `CN=fraud-*`: its CN is `mallory`, and `CN=fraud-x` is the value of its OU.
///
/// Syntax: terms `TYPE=VALUE` separated by `,` (or `+`), with optional spaces around each term. `TYPE` is an
/// attribute name OpenSSL knows (`CN`, `O`, `OU`, `C`, `L`, `ST`, `emailAddress`, `commonName`...) or a dotted OID.
/// `VALUE` is a glob: `*` matches any run of characters, `?` one character, anything else itself (case-sensitive,
/// by code point). `\` escapes the next character (`\,` `\+` `\\` `\*` `\?` `\=` `\ ` ...) or, followed by two hex
/// digits, gives one byte of UTF-8, as `openssl -nameopt RFC2253` prints it (`\C3\A9` is `é`). An unescaped `=`
/// inside a value is literal (`OU=CN=x` is the OU whose value is `CN=x`).
///
/// Matching: for every attribute type the pattern names, the subject must hold at least one attribute of that type,
/// every such attribute must match one of the pattern's values for the type, and every one of those values must
/// match one of the attributes. Types the pattern does not name are not constrained.
public struct SubjectPattern: Sendable, Equatable, CustomStringConvertible {
    /// One `TYPE=VALUE` term.
    struct Term: Sendable, Equatable {
        var oid: String
        var type: String
        var value: Glob
    }

    /// The pattern as written.
    public let text: String
    let terms: [Term]

    public var description: String { text }

    /// Parses a pattern.
    /// - Throws: ``SubjectPatternError`` saying what is wrong, e.g. a `*` outside a value (`*CN=fraud-*`, the
    ///   flattened-string form this type replaces), an unknown attribute type or a bad escape.
    public init(_ text: String) throws(SubjectPatternError) {
        guard !text.isEmpty, text.utf8.count <= 4096 else {
            throw SubjectPatternError("must hold 1 to 4096 bytes")
        }
        self.text = text
        var terms: [Term] = []
        for raw in try Self.split(text) {
            terms.append(try Self.term(raw))
        }
        self.terms = terms
    }

    /// Whether a subject's attributes satisfy every term.
    public func matches(_ attributes: [NameAttribute]) -> Bool {
        var types: [String] = []
        for term in terms where !types.contains(term.oid) { types.append(term.oid) }
        for oid in types {
            let values = terms.filter { $0.oid == oid }.map(\.value)
            let present = attributes.filter { $0.oid == oid }.map(\.value)
            guard !present.isEmpty else { return false }
            guard present.allSatisfy({ value in values.contains { $0.matches(value) } }) else { return false }
            guard values.allSatisfy({ glob in present.contains { glob.matches($0) } }) else { return false }
        }
        return true
    }

    /// A term before its value is decoded: the escapes are still in `value`.
    private struct RawTerm {
        var scalars: [(scalar: Unicode.Scalar, escaped: Bool)]
    }

    /// Splits at unescaped `,` and `+`, keeping each escape with the scalar it escapes.
    private static func split(_ text: String) throws(SubjectPatternError) -> [RawTerm] {
        var terms: [RawTerm] = []
        var current = RawTerm(scalars: [])
        var iterator = text.unicodeScalars.makeIterator()
        while let scalar = iterator.next() {
            if scalar == "\\" {
                guard let next = iterator.next() else { throw SubjectPatternError("ends with a lone '\\'") }
                current.scalars.append(("\\", true))
                current.scalars.append((next, true))
            } else if scalar == "," || scalar == "+" {
                terms.append(current)
                current = RawTerm(scalars: [])
            } else {
                current.scalars.append((scalar, false))
            }
        }
        terms.append(current)
        return terms
    }

    private static func term(_ raw: RawTerm) throws(SubjectPatternError) -> Term {
        var scalars = raw.scalars[...]
        while let first = scalars.first, first.scalar == " ", !first.escaped { scalars.removeFirst() }
        while let last = scalars.last, last.scalar == " ", !last.escaped { scalars.removeLast() }
        guard !scalars.isEmpty else { throw SubjectPatternError("has an empty term (two separators in a row?)") }
        guard let equals = scalars.firstIndex(where: { $0.scalar == "=" && !$0.escaped }) else {
            throw SubjectPatternError(
                "has the term \"\(text(scalars))\", which is not TYPE=VALUE (escape a ',' or '+' inside a value as '\\,')"
            )
        }
        var typeScalars = scalars[..<equals]
        while let last = typeScalars.last, last.scalar == " " { typeScalars.removeLast() }
        let type = text(typeScalars)
        if typeScalars.contains(where: { $0.scalar == "*" || $0.scalar == "?" || $0.escaped }) {
            throw SubjectPatternError(
                "has the attribute type \"\(type)\": a '*' or '?' may stand only inside one attribute's value, never "
                    + "across attributes (write CN=fraud-*, not *CN=fraud-*)")
        }
        guard let oid = NameAttribute.oid(named: type) else {
            throw SubjectPatternError(
                "names the attribute type \"\(type)\", which is not one OpenSSL knows (use CN, O, OU, C, L, ST, "
                    + "emailAddress... or a dotted OID)")
        }
        var valueScalars = scalars[scalars.index(after: equals)...]
        while let first = valueScalars.first, first.scalar == " ", !first.escaped { valueScalars.removeFirst() }
        return Term(oid: oid, type: type, value: try value(valueScalars, type: type))
    }

    /// Decodes a value's escapes into glob tokens: `\X` is a literal `X`, `\HH` a byte of UTF-8.
    private static func value(
        _ scalars: ArraySlice<(scalar: Unicode.Scalar, escaped: Bool)>, type: String
    ) throws(SubjectPatternError) -> Glob {
        var tokens: [Glob.Token] = []
        var bytes: [UInt8] = []
        func flush() throws(SubjectPatternError) {
            guard !bytes.isEmpty else { return }
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw SubjectPatternError("has hex escapes in the value of \(type) that are not UTF-8")
            }
            tokens += decoded.unicodeScalars.map { .literal($0) }
            bytes = []
        }
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let (scalar, escaped) = scalars[index]
            index += 1
            if escaped, scalar == "\\" {
                let next = scalars[index].scalar
                index += 1
                if let high = hexDigit(next), index < scalars.endIndex, let low = hexDigit(scalars[index].scalar) {
                    index += 1
                    bytes.append(high << 4 | low)
                    continue
                }
                try flush()
                tokens.append(.literal(next))
                continue
            }
            try flush()
            switch scalar {
            case "*": tokens.append(.any)
            case "?": tokens.append(.one)
            default: tokens.append(.literal(scalar))
            }
        }
        try flush()
        return Glob(tokens: tokens)
    }

    private static func hexDigit(_ scalar: Unicode.Scalar) -> UInt8? {
        switch scalar.value {
        case 0x30...0x39: return UInt8(scalar.value - 0x30)
        case 0x41...0x46: return UInt8(scalar.value - 0x41 + 10)
        case 0x61...0x66: return UInt8(scalar.value - 0x61 + 10)
        default: return nil
        }
    }

    private static func text(_ scalars: ArraySlice<(scalar: Unicode.Scalar, escaped: Bool)>) -> String {
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars.map(\.scalar))
        return result
    }
}

/// Why a subject pattern cannot be used; the caller names the file it came from.
public struct SubjectPatternError: Error, Sendable {
    /// What is wrong, as the end of a sentence that begins with the pattern.
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}
