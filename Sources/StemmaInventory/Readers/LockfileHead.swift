/// A cheap look at the first lines of a TOML lockfile, enough to tell pylock, uv and Poetry apart by content.
///
/// It reads line by line without parsing TOML (the head may end mid-document): the keys that start lines, the
/// keys before the first header with their raw values, and the headers.
struct LockfileHead {
    /// Keys before the first header, with the raw text after `=` (comment and spaces trimmed).
    private(set) var topLevel: [String: String] = [:]
    /// Headers with spaces removed: `[[package]]`, `[metadata]`.
    private(set) var headers: Set<String> = []
    /// Every bare key that starts a line, in any section.
    private(set) var keys: Set<String> = []
    /// The keys whose value on that line is an inline table (`source = { registry = … }`).
    private(set) var inlineTableKeys: Set<String> = []
    /// The head has a NUL byte, so it is not text.
    private(set) var isBinary = false

    init(_ head: [UInt8]) {
        guard !head.contains(0) else {
            isBinary = true
            return
        }
        var sawHeader = false
        for line in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let text = line.drop { $0 == 0x20 || $0 == 0x09 }
            guard let first = text.first, first != UInt8(ascii: "#") else { continue }
            if first == UInt8(ascii: "[") {
                let header = text.prefix { $0 != UInt8(ascii: "#") }.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
                headers.insert(String(decoding: header, as: UTF8.self))
                sawHeader = true
                continue
            }
            let key = text.prefix { TOMLParser.isBareKeyByte($0) }
            let rest = text.dropFirst(key.count).drop { $0 == 0x20 || $0 == 0x09 }
            guard !key.isEmpty, rest.first == UInt8(ascii: "=") else { continue }
            let name = String(decoding: key, as: UTF8.self)
            keys.insert(name)
            if rest.dropFirst().drop(while: { $0 == 0x20 || $0 == 0x09 }).first == UInt8(ascii: "{") {
                inlineTableKeys.insert(name)
            }
            if !sawHeader {
                var value = rest.dropFirst().prefix { $0 != UInt8(ascii: "#") && $0 != 0x0D }
                while let first = value.first, first == 0x20 || first == 0x09 { value = value.dropFirst() }
                while let last = value.last, last == 0x20 || last == 0x09 { value = value.dropLast() }
                topLevel[name] = String(decoding: value, as: UTF8.self)
            }
        }
    }

    /// PEP 751: a top-level `lock-version` and packages.
    var isPyLock: Bool {
        !isBinary && topLevel["lock-version"] != nil
            && (headers.contains("[[packages]]") || topLevel["packages"] != nil)
    }

    /// uv: a top-level integer `version`, `[[package]]` tables, and `source = { … }` in them (Cargo.lock has the
    /// same top-level `version` and `[[package]]`, but its `source` is a string).
    var isUVLock: Bool {
        guard !isBinary, let version = topLevel["version"], Int(version) != nil else { return false }
        return headers.contains("[[package]]") && inlineTableKeys.contains("source")
    }

    /// Poetry: `[[package]]` tables with no top-level keys before them, and `python-versions` in them (every
    /// Poetry package has it; Cargo.lock version 1 also starts with bare `[[package]]` tables and has none).
    var isPoetryLock: Bool {
        !isBinary && topLevel.isEmpty && headers.contains("[[package]]") && keys.contains("python-versions")
    }
}
