import StemmaCore

extension ComponentRef {
    /// Parses a reference as users write it: a purl (`pkg:pypi/langchain@0.0.130`, `pkg:huggingface/org/name`),
    /// `KIND:NAME[@VERSION]` (`model:`, `dataset:`, `corpus:`, `package:`, `tool:`, `agent:`), `KIND:PURL`
    /// (`tool:pkg:npm/server-fetch`), `sha256:HEX`, or a Hugging Face spelling (`hf://org/name`,
    /// `hf://datasets/org/name`, `https://huggingface.co/org/name`, `models--org--name`, `datasets--org--name`).
    ///
    /// - Parameter defaultKind: the kind for a bare name (no prefix); nil reads a bare `org/name` as the Hugging
    ///   Face model, as the Hub does, and refuses other bare names.
    /// - Returns: nil when the text is none of these.
    public init?(parsing text: String, defaultKind: NodeKind? = nil) {
        let trimmed = text.trimmedWhitespace
        guard !trimmed.isEmpty, trimmed.utf8.count <= 2048 else { return nil }
        if trimmed.hasPrefix("sha256:") {
            let hex = String(trimmed.dropFirst(7)).lowercased()
            guard hex.utf8.count == 64, hex.allSatisfy({ $0.isHexDigit }) else { return nil }
            self = .artifact(sha256: hex)
            return
        }
        // The purl scheme is case-insensitive (`PKG:`), as the purl spec's parsing rules say.
        if trimmed.hasPrefix("pkg:") || trimmed.utf8.prefix(4).map({ $0 | 0x20 }) == Array("pkg:".utf8) {
            guard let parsed = Self.purl(String(trimmed.dropFirst(4))) else { return nil }
            self = parsed
            return
        }
        if let hub = HuggingFaceID.explicit(trimmed) {
            let kind = hub.kind ?? (defaultKind == .dataset ? .dataset : .model)
            self.init(kind: kind, ecosystem: "huggingface", name: hub.id, version: hub.revision)
            return
        }
        if let colon = trimmed.firstIndex(of: ":"), let kind = NodeKind(rawValue: String(trimmed[..<colon])),
            kind != .artifact
        {
            let body = String(trimmed[trimmed.index(after: colon)...])
            if body.hasPrefix("pkg:") {
                guard let parsed = Self.purl(String(body.dropFirst(4))) else { return nil }
                self =
                    parsed.kind == kind
                    ? parsed
                    : ComponentRef(kind: kind, ecosystem: parsed.ecosystem, name: parsed.name, version: parsed.version)
                return
            }
            let (name, version) = Self.splitVersion(body)
            guard !name.isEmpty else { return nil }
            let ecosystem: String? = (kind == .package) ? Self.ecosystemPrefix(name)?.0 : nil
            let bareName = (kind == .package) ? (Self.ecosystemPrefix(name)?.1 ?? name) : name
            self.init(kind: kind, ecosystem: ecosystem, name: bareName, version: version)
            return
        }
        let (name, version) = Self.splitVersion(trimmed)
        guard !name.isEmpty else { return nil }
        guard let defaultKind else {
            guard HuggingFaceID.repoID(Substring(name), allowOwnerless: false) != nil else { return nil }
            self.init(kind: .model, ecosystem: "huggingface", name: name, version: version)
            return
        }
        self.init(kind: defaultKind, name: name, version: version)
    }

    /// `package:pypi/torch` names an ecosystem before the slash.
    private static func ecosystemPrefix(_ name: String) -> (String, String)? {
        guard let slash = name.firstIndex(of: "/") else { return nil }
        let ecosystem = String(name[..<slash]).lowercased()
        guard
            ["pypi", "npm", "oci", "docker", "huggingface", "github", "golang", "cargo", "maven", "gem", "nuget"]
                .contains(ecosystem)
        else { return nil }
        return (ecosystem, String(name[name.index(after: slash)...]))
    }

    /// Splits `name@version` at the last `@` that is not the first character (npm scopes start with `@`).
    static func splitVersion(_ text: String) -> (String, String?) {
        // Bytes, not `Character`s: grapheme breaking made purl parsing a quarter of reading 1,000 BOMs.
        guard let at = text.utf8.lastIndex(of: UInt8(ascii: "@")), at != text.startIndex else { return (text, nil) }
        return (String(text[..<at]), String(text[text.utf8.index(after: at)...]))
    }

    /// A purl body after `pkg:`: `type/namespace/name@version?qualifiers#subpath`.
    private static func purl(_ body: String) -> ComponentRef? {
        // The separators are ASCII: search bytes (a `Character` search breaks graphemes, which cost more than the
        // rest of reading a BOM component).
        // One copy to an array: the generic `Substring.UTF8View` searches were a fifth of parsing a purl.
        let bytes = Array(body.utf8)
        var end = bytes.firstIndex(of: UInt8(ascii: "#")) ?? bytes.count
        end = bytes[..<end].firstIndex(of: UInt8(ascii: "?")) ?? end
        // The purl spec strips every leading and trailing `/` of what remains (`pkg://npm/x`, `pkg:npm/x/`): a
        // trailing slash otherwise made `pkg:huggingface/org/name/` a different component, and a query "not in the
        // inventory".
        var start = 0
        while start < end, bytes[start] == UInt8(ascii: "/") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        guard let slash = bytes[start..<end].firstIndex(of: UInt8(ascii: "/")) else { return nil }
        let type = String(decoding: bytes[start..<slash], as: UTF8.self).lowercased()
        let pathAndVersion = bytes[(slash + 1)..<end]
        var path: String
        var version: String?
        // The last `@` that is not the first byte (npm scopes start with `@`), as `splitVersion`.
        if let at = pathAndVersion.lastIndex(of: UInt8(ascii: "@")), at != pathAndVersion.startIndex {
            path = String(decoding: pathAndVersion[..<at], as: UTF8.self)
            version = String(decoding: pathAndVersion[(at + 1)...], as: UTF8.self)
        } else {
            path = String(decoding: pathAndVersion, as: UTF8.self)
        }
        while path.utf8.last == UInt8(ascii: "/") { path.removeLast() }
        let name = path.removingPercentEncoding ?? path
        guard !name.isEmpty, !type.isEmpty else { return nil }
        let decodedVersion = version.map { $0.removingPercentEncoding ?? $0 }
        if type == "huggingface" {
            if name.hasPrefix("datasets/") {
                return ComponentRef(
                    kind: .dataset, ecosystem: type, name: String(name.dropFirst(9)), version: decodedVersion)
            }
            return ComponentRef(kind: .model, ecosystem: type, name: name, version: decodedVersion)
        }
        return ComponentRef(kind: .package, ecosystem: type, name: name, version: decodedVersion)
    }
}

extension String {
    /// Decodes `%XX` escapes; nil if an escape is malformed or the result is not UTF-8.
    var removingPercentEncoding: String? {
        guard utf8.contains(UInt8(ascii: "%")) else { return self }
        var bytes: [UInt8] = []
        var iterator = utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                    let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

}
