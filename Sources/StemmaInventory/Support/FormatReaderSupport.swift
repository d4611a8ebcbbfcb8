internal import StemmaCore
internal import StemmaGraph

/// Small helpers the GGUF, safetensors, A2A, MCP and Croissant readers share: recognising a JSON document by
/// its top-level keys from a possibly truncated head, Hugging Face URLs, paths and digests.
enum FormatReaderSupport {
    /// The keys of a JSON object's top level, scanned from a head that may stop mid-document.
    ///
    /// - Returns: nil unless the bytes start (after whitespace and a UTF-8 byte order mark) with `{`.
    static func topLevelKeys(_ head: [UInt8], limit: Int = 512) -> Set<String>? {
        var index = 0
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while index < head.count, isWhitespace(head[index]) { index += 1 }
        guard index < head.count, head[index] == UInt8(ascii: "{") else { return nil }
        var keys: Set<String> = []
        var depth = 0
        var expectKey = false
        while index < head.count, keys.count < limit {
            let byte = head[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index + 1
                index = start
                while index < head.count, head[index] != UInt8(ascii: "\"") {
                    index += head[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < head.count else { return keys }
                if depth == 1 && expectKey {
                    keys.insert(String(decoding: head[start..<index], as: UTF8.self))
                    expectKey = false
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = depth == 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth <= 0 { return keys }
            case UInt8(ascii: ","):
                expectKey = depth == 1
            default:
                break
            }
            index += 1
        }
        return keys
    }

    /// Whether `needle` occurs in `bytes`.
    static func contains(_ needle: String, in bytes: [UInt8]) -> Bool {
        let pattern = Array(needle.utf8)
        guard let first = pattern.first, pattern.count <= bytes.count else { return false }
        var index = 0
        while index + pattern.count <= bytes.count {
            if bytes[index] == first && bytes[index..<index + pattern.count].elementsEqual(pattern) { return true }
            index += 1
        }
        return false
    }

    /// Parses a whole JSON document, or nil when the head is not the whole file or not valid JSON.
    static func completeDocument(_ head: [UInt8], source: String) -> JSONValue? {
        guard head.count < 64 << 10 else { return nil }
        return try? JSONParser.parse(head, source: source)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// A Hugging Face repository named by a URL (`https://huggingface.co/org/name/...`,
    /// `https://huggingface.co/datasets/org/name`, `hf.co/...`): a model or dataset ref without a version.
    static func huggingFaceRef(url text: String) -> ComponentRef? {
        let trimmed = text.trimmedText
        guard !trimmed.hasPrefix("hf://"), !trimmed.hasPrefix("models--"), !trimmed.hasPrefix("datasets--"),
            let hub = HuggingFaceID.explicit(trimmed)
        else { return nil }
        return ComponentRef(kind: hub.kind ?? .model, ecosystem: "huggingface", name: hub.id)
    }

    /// A reference written as a Hugging Face URL, a purl, `KIND:NAME[@VERSION]`, `hf://…` or a hub cache folder
    /// name. A bare name (`org/name`) gives nil: the caller knows which kind its field names.
    static func reference(_ text: String) -> ComponentRef? {
        let trimmed = text.trimmedText
        if let hub = huggingFaceRef(url: trimmed) { return hub }
        if trimmed.lowercased().hasPrefix("http://") || trimmed.lowercased().hasPrefix("https://") { return nil }
        guard trimmed.contains(":") || HuggingFaceID.cacheFolder(trimmed) != nil else { return nil }
        return ComponentRef(parsing: trimmed)
    }

    /// A URL without credentials, query or fragment: tokens hide there, and reports must not carry them.
    static func redactedURL(_ text: String) -> String {
        var url = Substring(text.trimmedText)
        if let end = url.firstIndex(where: { $0 == "?" || $0 == "#" }) { url = url[..<end] }
        if let schemeEnd = url.firstRange(of: "://") {
            let authorityStart = schemeEnd.upperBound
            let authorityEnd = url[authorityStart...].firstIndex(of: "/") ?? url.endIndex
            if let at = url[authorityStart..<authorityEnd].lastIndex(of: "@") {
                url = url[..<authorityStart] + url[url.index(after: at)...]
            }
        }
        return String(url)
    }

    /// Whether the text is a SHA-256 digest: 64 hex digits.
    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { isHexDigit($0) }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    /// The last component of a path.
    static func fileName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// The file name without its last extension.
    static func stem(of path: String) -> String {
        let name = fileName(of: path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }
}

extension String {
    /// The text without surrounding spaces, tabs and line breaks.
    fileprivate var trimmedText: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

extension JSONValue {
    /// Text from a string, a number, or an object's `name` / `@id` (JSON-LD writes either form).
    var readerText: String? {
        switch self {
        case .string(let text): return text
        case .number(let text): return text
        case .object: return self["name"]?.stringValue ?? self["@id"]?.stringValue
        default: return nil
        }
    }

    /// A value or each element of an array of them.
    var readerList: [JSONValue] { arrayValue ?? [self] }
}
