import StemmaCore
import StemmaModelHeaders

/// Validates a GGUF file's header (every count, length, type and tensor range) and inspects its chat templates.
///
/// Only the header is read, through a small window: the key-value pairs and tensor infos, never the tensor data.
/// The key-value pairs are parsed by `GGUFMetadataReader` (StemmaModelHeaders), the parser the inventory uses,
/// over this window's cursor; the chat templates chat_template keys hold (at most `GGUFHeader.maxStringBytes`
/// each, a limit past which the scan is incomplete) are inspected as they pass.
/// Lengths are compared with the bytes left before anything is skipped or read, which is where llama.cpp's GGUF
/// parser bugs lived. An unknown ggml tensor type is *suspicious*, not malformed: new quantisation types appear
/// every few months, llama.cpp refuses types it does not know rather than misreading them, and the rest of the
/// header is still fully checked; only that tensor's byte size cannot be.
public enum GGUFCheck {
    /// The most tensors a header may declare before the scan stops (real models have a few thousand).
    static let maxTensors = 1 << 20
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
        var reader = try Self.metadata { () throws(GGUFMetadataFailure) in try GGUFMetadataReader(cursor) }
        // llama.cpp reads a count field with its high half set as one huge count: the file is not loadable.
        guard !reader.narrowCounts else {
            throw .malformed("n_tensors field holds two 32-bit counts, which llama.cpp does not read", offset: 8)
        }
        wideLengths = reader.wideLengths
        // The smallest key-value pair is 13 bytes (empty key, type, one-byte value); the smallest tensor info 24.
        let remaining = reader.cursor.remaining
        guard reader.pairCount <= UInt64(remaining / 13) else {
            throw .malformed(
                "n_kv \(reader.pairCount) cannot fit in the \(cursor.window.count)-byte file", offset: 16)
        }
        guard reader.tensorCount <= UInt64(remaining / 24) else {
            throw .malformed(
                "n_tensors \(reader.tensorCount) cannot fit in the \(cursor.window.count)-byte file", offset: 8)
        }
        guard reader.tensorCount <= UInt64(GGUFCheck.maxTensors) else {
            throw .incomplete(
                "the header declares \(reader.tensorCount) tensors; the limit is \(GGUFCheck.maxTensors)")
        }
        // The pairs go through the parser the inventory uses (StemmaModelHeaders), so types, lengths, duplicate
        // keys, nesting and bounds are decided once; scan inspects the chat templates as they pass.
        while let (key, _) = try Self.metadata({ () throws(GGUFMetadataFailure) in try reader.nextKey() }) {
            if key.contains("chat_template") {
                var found: [ScanFinding] = []
                try Self.metadata { () throws(GGUFMetadataFailure) in
                    try reader.readStrings { offset, template in found += Self.inspect(template, key: key, at: offset) }
                }
                findings += found
            } else {
                _ = try Self.metadata { () throws(GGUFMetadataFailure) in try reader.value(keep: false) }
            }
            guard reader.cursor.offset <= headerBudget else {
                throw .incomplete("the header is longer than the \(headerBudget)-byte scan bound")
            }
        }
        alignment = reader.alignment
        cursor = reader.cursor
        try readTensorInfos(count: Int(reader.tensorCount))
    }

    /// Runs a step of the shared metadata parser, turning its failures into scan's.
    private static func metadata<T>(_ body: () throws(GGUFMetadataFailure) -> T) throws(FormatFailure) -> T {
        do {
            return try body()
        } catch {
            switch error {
            case .source(let failure as FormatFailure): throw failure
            case .source(let other): throw .malformed("\(other)")
            case .malformed(let reason, let offset): throw .malformed(reason, offset: offset)
            case .limit(let reason): throw .incomplete(reason)
            }
        }
    }

    /// The findings of one chat template whose bytes start at `offset`.
    private static func inspect(_ template: [UInt8], key: String, at offset: Int) -> [ScanFinding] {
        var findings: [ScanFinding] = []
        for match in ChatTemplateRules.matches(in: template) {
            findings.append(
                ScanFinding(
                    .scanGGUFChatTemplate, .suspicious,
                    "The GGUF chat template '\(key)' contains `\(match.token)`, a Jinja sandbox-escape construct.",
                    evidence: ScanEvidence(
                        offset: offset + match.offset, detail: "\(key): `\(match.token)` in …\(match.excerpt)…")))
        }
        return findings + ChatTemplateCheck.obfuscatedFindings(template, source: "The GGUF chat template '\(key)'")
    }

    private mutating func readTensorInfos(count: Int) throws(FormatFailure) {
        var names: Set<String> = []
        var tensors: [(name: String, offset: UInt64, size: UInt64?)] = []
        tensors.reserveCapacity(min(count, 4096))
        for _ in 0..<count {
            let start = cursor.offset
            let name = try readString(limit: GGUFHeader.maxKeyBytes, what: "a tensor name")
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
}
