import StemmaArchive
import StemmaCore

/// joblib's own compressed dumps, recognised by the prefixes `joblib.load` itself tests (joblib 1.6,
/// `numpy_pickle_utils._detect_compressor` and `compressor.py`):
/// - `ZF`: the container of joblib before 0.10, `ZF`, the payload length as 19 characters of Python hex
///   (`0x…`, space-padded), an optional space, then one zlib stream;
/// - `0x78`: a zlib stream (`compress=True`, `compress=3`, `compress='zlib'`, joblib's everyday output);
/// - `5D 00`: a raw LZMA ("alone") stream (`compress='lzma'`), with a size field liblzma accepts;
/// - gzip, bz2, xz and lz4 have magic numbers of their own and are read as compressed streams anyway.
///
/// A prefix alone does not make a dump: a zlib header must pass its own check (CMF·256 + FLG divisible by 31,
/// deflate, no preset dictionary) and a `ZF` length must parse, so ordinary text that starts with `x` or `ZF`
/// stays text.
enum JoblibStream {
    static let zfilePrefix: [UInt8] = Array("ZF".utf8)
    /// `len(hex(2**64))`: the width of the length field of a `ZF` container.
    static let zfileLengthWidth = 19

    /// The kind of a joblib-compressed input, or nil.
    static func kind(_ input: ScanInput) throws(StemmaError) -> ContentKind? {
        kind(head: try input.bytes(at: 0, count: zfilePrefix.count + zfileLengthWidth + 2))
    }

    /// The kind from the first bytes alone.
    static func kind(head: [UInt8]) -> ContentKind? {
        if head.starts(with: zfilePrefix), zfileHeader(head) != nil { return .joblibZFile }
        if isZlibHeader(head) { return .zlib }
        if isLZMAHeader(head) { return .lzma }
        return nil
    }

    /// An LZMA "alone" header as joblib writes it and liblzma reads it: properties `5D`, a dictionary size whose
    /// low byte is 0, and an uncompressed size that is unknown (all ones) or under 2^38 (liblzma refuses larger
    /// ones). Random bytes pass one time in 2^42.
    static func isLZMAHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 13, head[0] == 0x5D, head[1] == 0x00 else { return false }
        let size = head[5..<13]
        return size.allSatisfy { $0 == 0xFF }
            || size.dropFirst(4).allSatisfy { $0 == 0 } && size[size.startIndex + 4] < 0x40
    }

    /// A zlib stream header (RFC 1950): deflate with a window of at most 32 KiB, no preset dictionary, and the
    /// check bits right.
    static func isZlibHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 2, head[0] == 0x78 else { return false }
        return (Int(head[0]) << 8 | Int(head[1])) % 31 == 0 && head[1] & 0x20 == 0
    }

    /// Where the zlib stream of a `ZF` container starts and the length it declares, or nil when the length field
    /// is not what `int(field, 16)` accepts.
    static func zfileHeader(_ head: [UInt8]) -> (dataOffset: Int, length: Int)? {
        let fieldEnd = zfilePrefix.count + zfileLengthWidth
        guard head.count >= fieldEnd else { return nil }
        let isSpace: (Character) -> Bool = { " \t\n\r\u{0B}\u{0C}".contains($0) }
        var text = Substring(String(decoding: head[zfilePrefix.count..<fieldEnd], as: UTF8.self))
        while let first = text.first, isSpace(first) { text.removeFirst() }
        while let last = text.last, isSpace(last) { text.removeLast() }
        if text.lowercased().hasPrefix("0x") { text.removeFirst(2) }
        text.removeAll { $0 == "_" }
        guard !text.isEmpty, text.count <= 16, let length = Int(text, radix: 16), length >= 0 else { return nil }
        // joblib ≤ 0.8.4 wrote one more space; a zlib stream never starts with one.
        let offset = head.count > fieldEnd && head[fieldEnd] == 0x20 ? fieldEnd + 1 : fieldEnd
        return (offset, length)
    }

    /// Whether the first bytes of a member too large to read whole decompress to the start of a pickle: random
    /// tensor bytes pass the two-byte zlib test one time in eight thousand, and are data all the same.
    static func headInflatesToAPickle(_ head: [UInt8], kind: ContentKind) -> Bool {
        let input = ScanInput(bytes: head, path: "")
        let output: [UInt8]
        switch kind {
        case .zlib, .joblibZFile:
            let offset = kind == .zlib ? 0 : zfileHeader(head)?.dataOffset ?? head.count
            switch try? inflate(input, from: offset, maxOutput: PickleProbe.window) {
            case .complete(let bytes, _)?, .exceeded(let bytes)?, .corrupt(let bytes, _)?: output = bytes
            case nil: return false
            }
        default:
            // Raw LZMA cannot be decoded from a prefix through libarchive; `5D 00` is rarer (1 in 65,536).
            return true
        }
        guard !output.isEmpty else { return false }
        return ContentSniffer.sniffHead(output, total: Int.max, name: "", joblib: false) != .data
    }

    /// How an inflation ended.
    enum Outcome {
        /// The stream ended; `trailing` bytes of input follow it.
        case complete([UInt8], trailing: Int)
        /// More than `maxOutput` bytes would come out; holds the first `maxOutput`.
        case exceeded([UInt8])
        /// zlib rejected the data, or the input ended early; holds what came out before.
        case corrupt([UInt8], String)
    }

    /// Inflates the zlib stream (with its RFC 1950 header) starting at `offset`, never past `maxOutput` bytes.
    /// Unlike a zip member's, a corrupt stream still hands back what it produced: joblib unpickles as it reads, so
    /// a pickle that ends before the damage runs.
    static func inflate(_ input: ScanInput, from offset: Int, maxOutput: Int) throws(StemmaError) -> Outcome {
        guard let inflater = ZlibInflater(windowBits: ZlibInflater.zlib) else {
            return .corrupt([], "zlib did not start")
        }
        let chunk = 64 << 10
        var output: [UInt8] = []
        var outBuffer = [UInt8](repeating: 0, count: chunk)
        var position = offset
        while true {
            var inBuffer = try input.bytes(at: position, count: chunk)
            guard !inBuffer.isEmpty else { return .corrupt(output, "the compressed data ends early") }
            var used = 0
            while true {
                let (status, produced, consumed) = inflater.step(&inBuffer, from: used, into: &outBuffer)
                used += consumed
                if produced > 0 {
                    guard output.count <= maxOutput - produced else {
                        output.append(contentsOf: outBuffer[0..<(maxOutput - output.count)])
                        return .exceeded(output)
                    }
                    output.append(contentsOf: outBuffer[0..<produced])
                }
                switch status {
                case .ended: return .complete(output, trailing: input.count - (position + used))
                case .failed(let message): return .corrupt(output, message ?? "invalid zlib data")
                case .progressed: break
                }
                if used >= inBuffer.count && produced < outBuffer.count { break }
                if produced == 0 && consumed == 0 { return .corrupt(output, "zlib made no progress") }
            }
            position += inBuffer.count
        }
    }
}
