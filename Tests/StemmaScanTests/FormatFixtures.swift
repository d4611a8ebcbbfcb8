import StemmaCore
import StemmaScan

/// Little builders for the model formats, so that tests state their fixtures in code instead of binary files.
enum FormatFixtures {
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    /// A safetensors file from a header text and a data section of `dataLength` bytes.
    static func safetensors(header: String, dataLength: Int, declaredLength: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        return le64(declaredLength ?? UInt64(json.count)) + json + [UInt8](repeating: 0x3F, count: dataLength)
    }

    /// A valid two-tensor safetensors file (F32 [2, 3] and BF16 [4]) with metadata.
    static let validSafetensors = safetensors(
        header: #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"#
            + #""b":{"dtype":"BF16","shape":[4],"data_offsets":[24,32]}}  "#,
        dataLength: 32)
}

/// A protobuf message under construction (wire format only; field numbers are the caller's).
struct Proto {
    var bytes: [UInt8] = []

    private mutating func varint(_ value: UInt64) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    func int(_ number: Int, _ value: UInt64) -> Proto {
        var copy = self
        copy.varint(UInt64(number) << 3)
        copy.varint(value)
        return copy
    }

    func data(_ number: Int, _ payload: [UInt8]) -> Proto {
        var copy = self
        copy.varint(UInt64(number) << 3 | 2)
        copy.varint(UInt64(payload.count))
        copy.bytes += payload
        return copy
    }

    func string(_ number: Int, _ text: String) -> Proto { data(number, Array(text.utf8)) }
    func message(_ number: Int, _ message: Proto) -> Proto { data(number, message.bytes) }
}

/// A GGUF file under construction.
struct GGUFBuilder {
    enum Value {
        case u32(UInt32)
        case string(String)
        case stringArray([String])
        case u8Array(Int)
    }

    var version: UInt32 = 3
    var bigEndian = false
    var values: [(String, Value)] = [("general.architecture", .string("llama"))]
    /// Tensors: name, dimensions, ggml type, data offset.
    var tensors: [(String, [UInt64], UInt32, UInt64)] = [("tok.weight", [64, 2], 0, 0), ("out.weight", [32], 8, 512)]
    var alignment: UInt64 = 32
    var dataLength = 512 + 34

    private func string(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        return length(bytes.count) + bytes
    }

    private func length(_ value: Int) -> [UInt8] { version == 1 ? u32(UInt32(value)) : u64(UInt64(value)) }
    private func u32(_ value: UInt32) -> [UInt8] {
        bigEndian ? FormatFixtures.le32(value).reversed() : FormatFixtures.le32(value)
    }
    private func u64(_ value: UInt64) -> [UInt8] {
        bigEndian ? FormatFixtures.le64(value).reversed() : FormatFixtures.le64(value)
    }

    func bytes() -> [UInt8] {
        var out = Array("GGUF".utf8) + u32(version)
        out += length(tensors.count) + length(values.count)
        for (key, value) in values {
            out += string(key)
            switch value {
            case .u32(let number): out += u32(4) + u32(number)
            case .string(let text): out += u32(8) + string(text)
            case .stringArray(let texts):
                out += u32(9) + u32(8) + length(texts.count)
                for text in texts { out += string(text) }
            case .u8Array(let count):
                out +=
                    u32(9) + u32(0) + length(count)
                    + [UInt8](repeating: 1, count: count)
            }
        }
        for (name, dimensions, type, offset) in tensors {
            out += string(name) + u32(UInt32(dimensions.count))
            for dimension in dimensions {
                out += version == 1 ? u32(UInt32(dimension)) : u64(dimension)
            }
            out += u32(type) + u64(offset)
        }
        while UInt64(out.count) % alignment != 0 { out.append(0) }
        return out + [UInt8](repeating: 0x11, count: dataLength)
    }
}

extension Array where Element == ScanFinding {
    /// The codes, for compact expectations.
    var codes: [String] { map(\.code.rawValue) }
}
