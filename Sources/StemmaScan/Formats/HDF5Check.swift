import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Checks a legacy Keras H5 file by finding its model config JSON in the raw bytes and applying the Keras rules,
/// with every Lambda dangerous (Keras ignores `safe_mode` for H5: CVE-2025-9905).
///
/// There is no HDF5 reader here. Attribute values are stored contiguously, so the `model_config` and
/// `training_config` JSON appear in clear: every `"class_name"` in the file is located, the JSON object around it
/// is delimited and parsed. The file is read in 1 MiB chunks (memory stays bounded) up to
/// `limits.maxTotalBytes`, not just a prefix: an attacker can place the attribute heap anywhere in the file.
/// A file with no config is weights-only and safe; a `model_config` name without a readable config is malformed.
public enum HDF5Check {
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    static let chunkSize = 1 << 20
    /// The largest config JSON delimited and parsed.
    static let maxConfigBytes = 64 << 20
    /// Bytes the delimiting of candidate objects may examine in all, and keys it may try: a file stuffed with
    /// `"class_name"` or with long JSON-looking runs stops at these instead of going quadratic.
    static let maxDelimitingBytes = 1 << 30
    static let maxKeys = 100_000
    /// Keys whose escapes decode to a name the Keras rules read (`class_name`, `module`, `*_module`,
    /// `registered_name`).
    static let escapedKeyNames: Set<String> = ["class_name", "module", "registered_name", "fn_module"]

    /// Checks `input` as an HDF5 file with the standard limits.
    public static func check(_ input: ScanInput) -> [ScanFinding] { check(input, limits: .standard) }

    /// Checks `input` as an HDF5 file, reading at most `limits.maxTotalBytes` of it.
    public static func check(_ input: ScanInput, limits: ScanLimits) -> [ScanFinding] {
        var scanner = HDF5ConfigScanner(input: input, budget: limits.maxTotalBytes)
        do {
            try scanner.run()
        } catch {
            scanner.findings.append(error.finding("HDF5"))
        }
        return scanner.findings
    }

    /// Whether the HDF5 signature is at 0 or at a user-block boundary (512, 1024, 2048, …).
    static func hasSignature(_ input: ScanInput) throws(FormatFailure) -> Bool {
        var offset = 0
        while offset <= input.count - signature.count {
            let head: [UInt8]
            do { head = try input.bytes(at: offset, count: signature.count) } catch { throw .unreadable(error) }
            if head == signature { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }
}

/// One pass over an HDF5 file looking for Keras configs.
private struct HDF5ConfigScanner {
    let input: ScanInput
    let window: InputWindow
    let budget: Int
    var findings: [ScanFinding] = []
    private var coveredUntil = 0
    private var configs = 0
    private var configNameOffset: Int?
    private var unresolved: Int?
    private var keysTried = 0
    private var searchFloor = 0
    private var delimitingBytes = 0

    init(input: ScanInput, budget: Int) {
        self.input = input
        self.window = InputWindow(input, windowSize: 1 << 20)
        self.budget = budget
    }

    mutating func run() throws(FormatFailure) {
        guard try HDF5Check.hasSignature(input) else {
            throw .malformed("no HDF5 signature at offset 0 or a user-block boundary")
        }
        let classNeedle = Array("\"class_name\"".utf8)
        let escapeNeedle = Array("\\u".utf8)
        let nameNeedles = [Array("model_config".utf8), Array("training_config".utf8)]
        let limit = min(input.count, budget)
        var chunkStart = 0
        while chunkStart < limit {
            let chunk: [UInt8]
            do { chunk = try input.bytes(at: chunkStart, count: HDF5Check.chunkSize + 32) } catch {
                throw .unreadable(error)
            }
            let starts = min(HDF5Check.chunkSize, limit - chunkStart)
            if configNameOffset == nil {
                for needle in nameNeedles {
                    if let hit = Self.occurrences(of: needle, in: chunk, startingBefore: starts).first {
                        configNameOffset = chunkStart + hit
                    }
                }
            }
            // Keys spelled with JSON escapes (`"\u0063lass_name"`) decode to the same key for Keras' json.loads.
            var keys = Self.occurrences(of: classNeedle, in: chunk, startingBefore: starts).map { chunkStart + $0 }
            for hit in Self.occurrences(of: escapeNeedle, in: chunk, startingBefore: starts) {
                if let key = try escapedKerasKey(around: chunkStart + hit) { keys.append(key) }
            }
            for key in Set(keys).sorted() where key >= coveredUntil {
                try resolve(key)
            }
            chunkStart += HDF5Check.chunkSize
        }
        if input.count > budget {
            throw .incomplete("only the first \(budget) bytes of the \(input.count)-byte file were searched")
        }
        if let unresolved {
            throw .malformed(
                "a \"class_name\" key is not inside a JSON object Stemma could delimit", offset: unresolved)
        }
        if configs == 0, let configNameOffset {
            throw .malformed("a model_config/training_config attribute has no readable JSON", offset: configNameOffset)
        }
    }

    /// Finds the JSON object around the key at `keyOffset`: the nearest `{` before it whose object spans it.
    private mutating func resolve(_ keyOffset: Int) throws(FormatFailure) {
        keysTried += 1
        guard keysTried <= HDF5Check.maxKeys else {
            throw .incomplete("more than \(HDF5Check.maxKeys) \"class_name\" keys")
        }
        // An object that spans this key and starts before an earlier unresolved key would have spanned that one
        // too, so the search starts after it: a file stuffed with keys costs linear time.
        let back = max(searchFloor, keyOffset - 4096)
        let before = try window.bytes(at: back, count: keyOffset - back)
        var tries = 0
        for index in stride(from: before.count - 1, through: 0, by: -1) where before[index] == UInt8(ascii: "{") {
            let start = back + index
            if let end = try structuralEnd(from: start), end > keyOffset {
                let json = try window.bytes(at: start, count: end - start)
                findings += KerasConfigCheck.check(json: json, legacyH5: true).map {
                    var finding = $0
                    finding.evidence.offset = start + (finding.evidence.offset ?? 0)
                    return finding
                }
                coveredUntil = end
                configs += 1
                return
            }
            tries += 1
            if tries >= 64 { break }
        }
        if unresolved == nil { unresolved = keyOffset }
        searchFloor = keyOffset
        coveredUntil = keyOffset + 1
    }

    /// The offset of the opening quote of a JSON object key that holds the `\u` escape at `offset` and decodes
    /// to one of ``HDF5Check/escapedKeyNames``, or nil.
    private mutating func escapedKerasKey(around offset: Int) throws(FormatFailure) -> Int? {
        let back = max(0, offset - 256)
        let before = try window.bytes(at: back, count: offset - back)
        var open: Int?
        for index in stride(from: before.count - 1, through: 0, by: -1) {
            let byte = before[index]
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\"") && (index == 0 || before[index - 1] != UInt8(ascii: "\\")) {
                open = back + index
                break
            }
        }
        guard let open else { return nil }
        let after = try window.bytes(at: open + 1, count: min(512, input.count - open - 1))
        var close: Int?
        var index = 0
        while index < after.count {
            let byte = after[index]
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            if byte == UInt8(ascii: "\"") {
                close = index
                break
            }
            index += 1
        }
        guard let close, close + 1 < after.count else { return nil }
        var next = close + 1
        while next < after.count, [0x20, 0x09, 0x0A, 0x0D].contains(after[next]) { next += 1 }
        guard next < after.count, after[next] == UInt8(ascii: ":") else { return nil }
        let quoted = [UInt8(ascii: "\"")] + after[0...close]
        guard case .string(let key)? = try? JSONParser.parse(quoted, source: "HDF5 key") else { return nil }
        guard HDF5Check.escapedKeyNames.contains(key) || key.hasSuffix("_module") else { return nil }
        return open
    }

    /// The end of a JSON-shaped object starting at `start` (strings, escapes and nesting respected), or nil when
    /// the bytes are not JSON; the full grammar is left to the parser.
    private mutating func structuralEnd(from start: Int) throws(FormatFailure) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        var expectKey = false
        var position = start
        while true {
            guard position - start < HDF5Check.maxConfigBytes else {
                throw .incomplete("a config JSON is longer than \(HDF5Check.maxConfigBytes) bytes")
            }
            guard let byte = try window.byte(at: position) else { return nil }
            position += 1
            delimitingBytes += 1
            guard delimitingBytes <= HDF5Check.maxDelimitingBytes else {
                throw .incomplete(
                    "delimiting config candidates examined more than \(HDF5Check.maxDelimitingBytes) bytes")
            }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                } else if byte < 0x20 {
                    return nil
                }
                continue
            }
            let space = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
            if expectKey {
                if space { continue }
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "}") else { return nil }
                expectKey = false
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectKey = byte == UInt8(ascii: "{")
                guard depth <= 512 else { return nil }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return position }
                if depth < 0 { return nil }
            case UInt8(ascii: "\""):
                inString = true
            default:
                if !space && (byte < 0x20 || byte >= 0x7F) { return nil }
            }
        }
    }

    /// Offsets in `chunk` where `needle` starts, for starts below `limit` (`memchr` and `memcmp`: the scan's hot
    /// loop; glibc's `memmem` is not visible to Swift without `_GNU_SOURCE`).
    static func occurrences(of needle: [UInt8], in chunk: [UInt8], startingBefore limit: Int) -> [Int] {
        guard let first = needle.first else { return [] }
        var hits: [Int] = []
        chunk.withUnsafeBytes { buffer in
            needle.withUnsafeBytes { pattern in
                guard let base = buffer.baseAddress, let patternBase = pattern.baseAddress else { return }
                let end = min(limit, buffer.count)
                var index = 0
                while index < end, let found = memchr(base + index, Int32(first), end - index) {
                    let position = base.distance(to: UnsafeRawPointer(found))
                    if position + pattern.count <= buffer.count, memcmp(found, patternBase, pattern.count) == 0 {
                        hits.append(position)
                    }
                    index = position + 1
                }
            }
        }
        return hits
    }
}
