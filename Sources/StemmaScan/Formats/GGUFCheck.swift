import StemmaCore

/// Validates a GGUF file's header (every count, length, type and tensor range) and inspects its chat templates.
///
/// Only the header is read, through a small window: the key-value pairs and tensor infos, never the tensor data.
/// Lengths are compared with the bytes left before anything is skipped or read, which is where llama.cpp's GGUF
/// parser bugs lived. An unknown ggml tensor type is *suspicious*, not malformed: new quantisation types appear
/// every few months, llama.cpp refuses types it does not know rather than misreading them, and the rest of the
/// header is still fully checked; only that tensor's byte size cannot be.
public enum GGUFCheck {
    /// The most tensors a header may declare before the scan stops (real models have a few thousand).
    static let maxTensors = 1 << 20
    /// The longest chat template read and inspected.
    static let maxTemplateBytes = 4 << 20
    /// The longest key; llama.cpp's longest are under 100 bytes.
    static let maxKeyBytes = 64 << 10
    /// ggml's GGML_MAX_NAME: a tensor name must be shorter.
    static let maxTensorNameBytes = 64

    /// Checks `input` as a GGUF file with the standard limits.
    public static func check(_ input: ScanInput) -> [ScanFinding] { check(input, limits: .standard) }

    /// Checks `input` as a GGUF file, reading at most `limits.maxMemberBytes` of header.
    public static func check(_ input: ScanInput, limits: ScanLimits) -> [ScanFinding] {
        var parser = GGUFParser(input: input, headerBudget: limits.maxMemberBytes)
        do {
            try parser.parse()
        } catch {
            parser.findings.append(error.finding("GGUF"))
        }
        return parser.findings
    }
}

/// One pass over a GGUF header.
private struct GGUFParser {
    var cursor: InputCursor
    let headerBudget: Int
    var findings: [ScanFinding] = []
    var wideLengths = true
    var alignment: UInt64 = 32
    var reportedTypes: Set<UInt32> = []

    init(input: ScanInput, headerBudget: Int) {
        cursor = InputCursor(InputWindow(input))
        self.headerBudget = headerBudget
    }

    mutating func parse() throws(FormatFailure) {
        guard try cursor.readBytes(4) == Array("GGUF".utf8) else { throw .malformed("no GGUF magic", offset: 0) }
        let raw = try cursor.readUInt32()
        if !(1...3).contains(raw) && (1...3).contains(raw.byteSwapped) { cursor.bigEndian = true }
        let version = cursor.bigEndian ? raw.byteSwapped : raw
        guard (1...3).contains(version) else { throw .malformed("unsupported GGUF version \(raw)", offset: 4) }
        wideLengths = version >= 2
        let tensorCount = try readLength()
        let kvCount = try readLength()
        // The smallest key-value pair is 13 bytes (empty key, type, one-byte value); the smallest tensor info 24.
        guard kvCount <= UInt64(cursor.remaining / 13) else {
            throw .malformed("n_kv \(kvCount) cannot fit in the \(cursor.window.count)-byte file", offset: 16)
        }
        guard tensorCount <= UInt64(cursor.remaining / 24) else {
            throw .malformed("n_tensors \(tensorCount) cannot fit in the \(cursor.window.count)-byte file", offset: 8)
        }
        guard tensorCount <= UInt64(GGUFCheck.maxTensors) else {
            throw .incomplete("the header declares \(tensorCount) tensors; the limit is \(GGUFCheck.maxTensors)")
        }
        var keys: Set<String> = []
        for _ in 0..<kvCount {
            let start = cursor.offset
            let key = try readString(limit: GGUFCheck.maxKeyBytes, what: "a key")
            guard keys.insert(key).inserted else { throw .malformed("duplicate key '\(key)'", offset: start) }
            try readValue(key: key)
            try checkBudget()
        }
        try readTensorInfos(count: Int(tensorCount))
    }

    private mutating func readTensorInfos(count: Int) throws(FormatFailure) {
        var names: Set<String> = []
        var tensors: [(name: String, offset: UInt64, size: UInt64?)] = []
        tensors.reserveCapacity(min(count, 4096))
        for _ in 0..<count {
            let start = cursor.offset
            let name = try readString(limit: GGUFCheck.maxKeyBytes, what: "a tensor name")
            guard name.utf8.count < GGUFCheck.maxTensorNameBytes else {
                throw .malformed("tensor name '\(name.prefix(80))' is longer than ggml's 63 bytes", offset: start)
            }
            guard names.insert(name).inserted else { throw .malformed("duplicate tensor '\(name)'", offset: start) }
            let dimensionCount = try cursor.readUInt32()
            guard dimensionCount <= 4 else {
                throw .malformed("tensor '\(name)' has \(dimensionCount) dimensions; ggml allows 4", offset: start)
            }
            var dimensions: [UInt64] = []
            var elements: UInt64 = 1
            for _ in 0..<dimensionCount {
                let size = wideLengths ? try cursor.readUInt64() : UInt64(try cursor.readUInt32())
                let (product, overflow) = elements.multipliedReportingOverflow(by: size)
                guard size <= UInt64(Int64.max), !overflow, product <= UInt64(Int64.max) else {
                    throw .malformed("tensor '\(name)' has a shape whose element count overflows", offset: start)
                }
                elements = product
                dimensions.append(size)
            }
            let type = try cursor.readUInt32()
            let offset = try cursor.readUInt64()
            guard offset % alignment == 0 else {
                throw .malformed(
                    "tensor '\(name)' at data offset \(offset) is not aligned to \(alignment)", offset: start)
            }
            tensors.append((name, offset, try byteSize(name, type: type, dimensions: dimensions, at: start)))
            try checkBudget()
        }
        try checkRanges(tensors)
    }

    /// The bytes a tensor takes, or nil (with a suspicious finding) when its type is unknown.
    private mutating func byteSize(
        _ name: String, type: UInt32, dimensions: [UInt64], at start: Int
    ) throws(FormatFailure) -> UInt64? {
        guard let layout = GGMLType.layout(type) else {
            if reportedTypes.insert(type).inserted {
                findings.append(
                    ScanFinding(
                        .scanGGUFUnknownTensorType, .suspicious,
                        "GGUF tensor '\(name)' has ggml type \(type), which Stemma does not know; its size is unchecked.",
                        evidence: ScanEvidence(offset: start, detail: "ggml type \(type)")))
            }
            return nil
        }
        let rowElements = dimensions.first ?? 1
        guard rowElements % layout.blockElements == 0 else {
            throw .malformed(
                "tensor '\(name)' has \(rowElements) elements per row, not a multiple of \(layout.name)'s block",
                offset: start)
        }
        var size = rowElements / layout.blockElements
        for factor in [layout.blockBytes] + dimensions.dropFirst() {
            let (product, overflow) = size.multipliedReportingOverflow(by: factor)
            guard !overflow else { throw .malformed("tensor '\(name)' has a byte size that overflows", offset: start) }
            size = product
        }
        return size
    }

    /// Every tensor lies inside the data section (which starts at the next alignment boundary) and none overlap.
    private func checkRanges(_ tensors: [(name: String, offset: UInt64, size: UInt64?)]) throws(FormatFailure) {
        guard !tensors.isEmpty else { return }
        let infosEnd = UInt64(cursor.offset)
        let dataStart = (infosEnd + alignment - 1) / alignment * alignment
        let fileSize = UInt64(cursor.window.count)
        guard dataStart <= fileSize else {
            throw .malformed("the tensor data would start at \(dataStart), past the end of the file")
        }
        let dataLength = fileSize - dataStart
        var previousEnd: UInt64 = 0
        var previousName = ""
        for tensor in tensors.sorted(by: { $0.offset < $1.offset }) {
            let size = tensor.size ?? 0
            guard tensor.offset <= dataLength, size <= dataLength - tensor.offset else {
                throw .malformed(
                    "tensor '\(tensor.name)' (\(size) bytes at data offset \(tensor.offset)) runs past the end of the file"
                )
            }
            guard tensor.offset >= previousEnd else {
                throw .malformed("tensor '\(tensor.name)' overlaps tensor '\(previousName)'")
            }
            previousEnd = tensor.offset + size
            previousName = tensor.name
        }
    }

    private mutating func readValue(key: String) throws(FormatFailure) {
        let typeOffset = cursor.offset
        let type = try cursor.readUInt32()
        guard type <= 12 else { throw .malformed("key '\(key)' has unknown value type \(type)", offset: typeOffset) }
        if key == "general.alignment" {
            guard type == 4 else {
                throw .malformed("general.alignment is type \(type), not UINT32", offset: typeOffset)
            }
            let value = UInt64(try cursor.readUInt32())
            guard value > 0, value & (value - 1) == 0 else {
                throw .malformed("general.alignment \(value) is not a power of two", offset: typeOffset)
            }
            alignment = value
        } else if key.contains("chat_template"), type == 8 {
            try inspectTemplate(key: key)
        } else if key.contains("chat_template"), type == 9 {
            let elementType = try cursor.readUInt32()
            let count = try readLength()
            guard elementType == 8 else { return try skipArrayElements(elementType, count: count, depth: 1) }
            guard count <= UInt64(cursor.remaining / (wideLengths ? 8 : 4)) else {
                throw .malformed("array of \(count) strings under '\(key)' cannot fit in the file", offset: typeOffset)
            }
            for _ in 0..<count {
                try inspectTemplate(key: key)
                try checkBudget()
            }
        } else {
            try skipValue(type: type, depth: 0)
        }
    }

    private mutating func inspectTemplate(key: String) throws(FormatFailure) {
        let start = cursor.offset
        let length = try readLength()
        guard length <= UInt64(cursor.remaining) else {
            throw .malformed("the '\(key)' string of \(length) bytes runs past the end of the file", offset: start)
        }
        guard length <= UInt64(GGUFCheck.maxTemplateBytes) else {
            throw .incomplete("the '\(key)' template is \(length) bytes; the limit is \(GGUFCheck.maxTemplateBytes)")
        }
        let template = try cursor.readBytes(length)
        for match in ChatTemplateRules.matches(in: template) {
            findings.append(
                ScanFinding(
                    .scanGGUFChatTemplate, .suspicious,
                    "The GGUF chat template '\(key)' contains `\(match.token)`, a Jinja sandbox-escape construct.",
                    evidence: ScanEvidence(
                        offset: start + (wideLengths ? 8 : 4) + match.offset,
                        detail: "\(key): `\(match.token)` in …\(match.excerpt)…")))
        }
        findings += ChatTemplateCheck.obfuscatedFindings(template, source: "The GGUF chat template '\(key)'")
    }

    private mutating func skipValue(type: UInt32, depth: Int) throws(FormatFailure) {
        if let width = Self.fixedWidth(type) {
            try cursor.skip(width)
        } else if type == 8 {
            try cursor.skip(try readLength())
        } else if type == 9 {
            let elementType = try cursor.readUInt32()
            try skipArrayElements(elementType, count: try readLength(), depth: depth + 1)
        } else {
            throw .malformed("unknown value type \(type)", offset: cursor.offset - 4)
        }
    }

    private mutating func skipArrayElements(_ type: UInt32, count: UInt64, depth: Int) throws(FormatFailure) {
        guard depth <= 4 else { throw .malformed("arrays nested deeper than 4", offset: cursor.offset) }
        guard type <= 12 else { throw .malformed("unknown array element type \(type)", offset: cursor.offset) }
        if let width = Self.fixedWidth(type) {
            let (total, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow else { throw .malformed("an array of \(count) elements overflows", offset: cursor.offset) }
            return try cursor.skip(total)
        }
        // Strings and arrays take at least their length field each: a count beyond that cannot be honest.
        let smallest: UInt64 = type == 8 ? (wideLengths ? 8 : 4) : (wideLengths ? 12 : 8)
        guard count <= UInt64(cursor.remaining) / smallest else {
            throw .malformed("an array of \(count) elements cannot fit in the file", offset: cursor.offset)
        }
        for _ in 0..<count {
            try skipValue(type: type, depth: depth)
            try checkBudget()
        }
    }

    private mutating func readLength() throws(FormatFailure) -> UInt64 {
        wideLengths ? try cursor.readUInt64() : UInt64(try cursor.readUInt32())
    }

    private mutating func readString(limit: Int, what: String) throws(FormatFailure) -> String {
        let start = cursor.offset
        let length = try readLength()
        guard length <= UInt64(limit) else {
            throw .malformed("\(what) of \(length) bytes exceeds the \(limit)-byte bound", offset: start)
        }
        return String(decoding: try cursor.readBytes(length), as: UTF8.self)
    }

    private func checkBudget() throws(FormatFailure) {
        guard cursor.offset <= headerBudget else {
            throw .incomplete("the header is longer than the \(headerBudget)-byte scan bound")
        }
    }

    private static func fixedWidth(_ type: UInt32) -> UInt64? {
        switch type {
        case 0, 1, 7: return 1
        case 2, 3: return 2
        case 4, 5, 6: return 4
        case 10, 11, 12: return 8
        default: return nil
        }
    }
}
