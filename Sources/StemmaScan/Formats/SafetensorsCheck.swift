import StemmaCore
import StemmaModelHeaders

/// Validates a safetensors file completely: the header length, the JSON header and every tensor's byte range.
///
/// safetensors has no code path, so a file that passes is safe; anything that does not is malformed (loaders and
/// their parsers have had bugs on exactly these edge cases). Only the header is read, never the tensor data.
public enum SafetensorsCheck {
    /// The largest header the reference implementation accepts (100,000,000 bytes), shared with the inventory.
    static var maxHeaderBytes: Int { SafetensorsHeader.maxJSONBytes }

    /// Bits per element of every dtype the format defines (the sub-byte ones pack elements tightly).
    static let dtypeBits: [String: Int] = [
        "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "I16": 16, "U16": 16, "F16": 16,
        "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64, "U64": 64, "C64": 64, "F6_E2M3": 6,
        "F6_E3M2": 6, "F4": 4,
    ]

    /// Checks `input` as a safetensors file; no findings means it is well-formed and safe.
    public static func check(_ input: ScanInput) -> [ScanFinding] {
        do {
            try validate(input)
            return []
        } catch {
            return [error.finding("safetensors")]
        }
    }

    private static func validate(_ input: ScanInput) throws(FormatFailure) {
        let window = InputWindow(input)
        guard input.count >= 8 else { throw .malformed("the file is \(input.count) bytes, shorter than its header") }
        let headerLength: Int
        switch SafetensorsHeader.headerLength(try window.bytes(at: 0, count: 8), fileSize: input.count) {
        case .success(let length): headerLength = length
        case .failure(let problem):
            let declared: UInt64
            switch problem {
            case .noLength: declared = 0
            case .tooShort(let length), .overLimit(let length), .pastEnd(let length, _): declared = length
            }
            throw .malformed(
                "the header length \(declared) is outside 2…min(\(maxHeaderBytes) bytes, file size − 8 = \(input.count - 8))",
                offset: 0)
        }
        let header = try window.bytes(at: 8, count: headerLength)
        let json: JSONValue
        do {
            json = try JSONParser.parse(
                header, limits: JSONLimits(maxBytes: maxHeaderBytes, maxDepth: 4, maxValues: 8_000_000),
                source: "safetensors header")
        } catch {
            throw .malformed("the header is not strict JSON (\(error.message))", offset: 8)
        }
        guard let members = json.objectValue else { throw .malformed("the header is not a JSON object", offset: 8) }
        var ranges: [(name: String, begin: UInt64, end: UInt64)] = []
        for (name, value) in members {
            if name == "__metadata__" {
                try checkMetadata(value)
                continue
            }
            ranges.append(try tensorRange(name, value))
        }
        try checkCoverage(ranges, dataLength: UInt64(input.count - 8 - headerLength))
    }

    private static func checkMetadata(_ value: JSONValue) throws(FormatFailure) {
        if value == .null { return }
        guard let entries = value.objectValue else { throw .malformed("__metadata__ is not an object") }
        for (key, entry) in entries where entry.stringValue == nil {
            throw .malformed("__metadata__ entry '\(key)' is \(entry.kindName), not a string")
        }
    }

    /// The byte range of one tensor, after checking its dtype, shape and that the range has the right length.
    private static func tensorRange(
        _ name: String, _ value: JSONValue
    ) throws(FormatFailure) -> (name: String, begin: UInt64, end: UInt64) {
        guard let fields = value.objectValue else { throw .malformed("tensor '\(name)' is not an object") }
        for (key, _) in fields where !["dtype", "shape", "data_offsets"].contains(key) {
            throw .malformed("tensor '\(name)' has an unknown field '\(key)'")
        }
        guard let dtype = value["dtype"]?.stringValue else { throw .malformed("tensor '\(name)' has no dtype") }
        guard let bits = dtypeBits[dtype] else { throw .malformed("tensor '\(name)' has an unknown dtype '\(dtype)'") }
        guard let shape = value["shape"]?.arrayValue else { throw .malformed("tensor '\(name)' has no shape") }
        var elements: UInt64 = 1
        for dimension in shape {
            guard let size = plainInteger(dimension) else {
                throw .malformed("tensor '\(name)' has a shape entry that is not a non-negative integer")
            }
            let (product, overflow) = elements.multipliedReportingOverflow(by: size)
            guard !overflow else { throw .malformed("tensor '\(name)' has a shape whose product overflows") }
            elements = product
        }
        guard let offsets = value["data_offsets"]?.arrayValue, offsets.count == 2,
            let begin = plainInteger(offsets[0]), let end = plainInteger(offsets[1])
        else { throw .malformed("tensor '\(name)' has no data_offsets pair of non-negative integers") }
        guard begin <= end else { throw .malformed("tensor '\(name)' has data_offsets [\(begin), \(end)] reversed") }
        let (totalBits, overflow) = elements.multipliedReportingOverflow(by: UInt64(bits))
        guard !overflow, totalBits % 8 == 0 else {
            throw .malformed("tensor '\(name)' has a size that is not a whole number of bytes")
        }
        guard end - begin == totalBits / 8 else {
            throw .malformed(
                "tensor '\(name)' spans \(end - begin) bytes but its shape and \(dtype) need \(totalBits / 8)")
        }
        return (name, begin, end)
    }

    /// The ranges, sorted, must tile the data section exactly: no gap, no overlap, nothing left over.
    private static func checkCoverage(
        _ ranges: [(name: String, begin: UInt64, end: UInt64)], dataLength: UInt64
    ) throws(FormatFailure) {
        let sorted = ranges.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var position: UInt64 = 0
        for range in sorted {
            guard range.begin == position else {
                let problem = range.begin < position ? "overlaps the previous tensor" : "leaves a gap before it"
                throw .malformed(
                    "tensor '\(range.name)' starts at \(range.begin) and \(problem) (expected \(position))")
            }
            position = range.end
        }
        guard position == dataLength else {
            throw .malformed("the tensors cover \(position) bytes but the data section holds \(dataLength)")
        }
    }

    /// A JSON number written as plain decimal digits (no fraction, exponent or sign), as the format requires.
    static func plainInteger(_ value: JSONValue) -> UInt64? {
        guard case .number(let text) = value, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return nil
        }
        return UInt64(text)
    }
}
