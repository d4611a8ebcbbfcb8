import StemmaCore

/// A pickle written as base64 or hex text (`pickle.loads(base64.b64decode(s))`, modelaudit#153): recognised by
/// the encoding of a protocol 2–5 header (`gAJ`…`gAW`, `8002`…`8005`).
enum EncodedPickle: CustomStringConvertible {
    case base64
    case hex

    init?(head: [UInt8]) {
        guard head.count == 4 else { return nil }
        if head[0] == UInt8(ascii: "g") && head[1] == UInt8(ascii: "A")
            && [UInt8(ascii: "J"), UInt8(ascii: "N"), UInt8(ascii: "S"), UInt8(ascii: "W")].contains(head[2])
        {
            self = .base64
        } else if head[0] == UInt8(ascii: "8") && head[1] == UInt8(ascii: "0") && head[2] == UInt8(ascii: "0")
            && (UInt8(ascii: "2")...UInt8(ascii: "5")).contains(head[3])
        {
            self = .hex
        } else {
            return nil
        }
    }

    var description: String { self == .base64 ? "base64" : "hex" }

    /// The decoded bytes; whitespace (line-wrapped base64) is dropped first, as Python's decoders do.
    func decode(_ text: [UInt8]) -> [UInt8]? {
        let compact = String(decoding: text.filter { $0 > 0x20 }, as: UTF8.self)
        let bytes = self == .base64 ? Base64.decode(compact) : Hex.decode(compact)
        guard let bytes, bytes.count >= 8 else { return nil }
        return bytes
    }
}
