internal import CZlib
import StemmaCore

/// Inflates a raw deflate stream (a zip member) into memory with zlib, never past a caller's bound.
enum RawInflater {
    /// How an inflation ended.
    enum Outcome {
        /// The stream ended properly.
        case complete([UInt8])
        /// The output reached `maxOutput` before the stream ended; holds the first `maxOutput` bytes.
        case exceeded([UInt8])
        /// zlib rejected the data or the input ended early.
        case corrupt(String)
    }

    private static let chunk = 64 << 10

    /// Inflates all of `input`, stopping once more than `maxOutput` bytes would come out.
    /// - Throws: ``StemmaError`` when the input cannot be read.
    static func inflate(_ input: ScanInput, maxOutput: Int) throws(StemmaError) -> Outcome {
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, -MAX_WBITS) == Z_OK else { return .corrupt("zlib did not start") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var outBuffer = [UInt8](repeating: 0, count: chunk)
        var offset = 0
        while true {
            var inBuffer = try input.bytes(at: offset, count: chunk)
            guard !inBuffer.isEmpty else { return .corrupt("the compressed data ends early") }
            offset += inBuffer.count
            var position = 0
            while true {
                let start = position
                let (status, produced, consumed) = inBuffer.withUnsafeMutableBufferPointer { source in
                    outBuffer.withUnsafeMutableBufferPointer { target in
                        stream.next_in = source.baseAddress.map { $0 + start }
                        stream.avail_in = uInt(source.count - start)
                        stream.next_out = target.baseAddress
                        stream.avail_out = uInt(target.count)
                        let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                        return (
                            status, target.count - Int(stream.avail_out), source.count - start - Int(stream.avail_in)
                        )
                    }
                }
                position += consumed
                if produced > 0 {
                    guard output.count <= maxOutput - produced else {
                        output.append(contentsOf: outBuffer[0..<(maxOutput - output.count)])
                        return .exceeded(output)
                    }
                    output.append(contentsOf: outBuffer[0..<produced])
                }
                if status == Z_STREAM_END { return .complete(output) }
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    return .corrupt(stream.msg.map { String(cString: $0) } ?? "invalid deflate data")
                }
                // zlib wants more input once it has taken all of this chunk and has room left to write.
                if position >= inBuffer.count && produced < outBuffer.count { break }
                if produced == 0 && consumed == 0 { return .corrupt("zlib made no progress") }
            }
        }
    }
}

/// CRC-32 as zip records it, computed by zlib.
enum ZipChecksum {
    /// The CRC-32 of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            UInt32(truncatingIfNeeded: CZlib.crc32(0, buffer.baseAddress, uInt(buffer.count)))
        }
    }

    /// The CRC-32 of all of `input`, read in chunks.
    /// - Throws: ``StemmaError`` when the input cannot be read.
    static func crc32(of input: ScanInput) throws(StemmaError) -> UInt32 {
        var value: uLong = 0
        var offset = 0
        while offset < input.count {
            let chunk = try input.bytes(at: offset, count: 1 << 20)
            guard !chunk.isEmpty else { break }
            value = chunk.withUnsafeBufferPointer { CZlib.crc32(value, $0.baseAddress, uInt($0.count)) }
            offset += chunk.count
        }
        return UInt32(truncatingIfNeeded: value)
    }
}
