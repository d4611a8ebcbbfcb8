internal import CZlib

/// One zlib inflate stream fed from byte arrays: the step that every caller inflating a buffer would otherwise
/// write again (gzip request bodies in `posture serve`, joblib's zlib dumps in `scan`). The callers keep their own
/// loops, bounds and error wording; this owns the `z_stream` and the pointer arithmetic.
public final class ZlibInflater {
    /// How one step ended.
    public enum Status: Equatable {
        /// zlib made what progress it could (`Z_OK` or `Z_BUF_ERROR`); the stream has not ended.
        case progressed
        /// The stream ended (`Z_STREAM_END`).
        case ended
        /// zlib rejected the data; its message, when it gave one.
        case failed(String?)
    }

    private var stream = z_stream()

    /// A stream for `windowBits` as zlib reads them: ``zlib`` (RFC 1950 header) or ``gzip`` (RFC 1952); nil
    /// when zlib does not start.
    public init?(windowBits: Int32) {
        guard CZlib_inflateInit2(&stream, windowBits) == Z_OK else { return nil }
    }

    deinit { inflateEnd(&stream) }

    /// Window bits for a zlib stream with its RFC 1950 header.
    public static let zlib = MAX_WBITS
    /// Window bits for a gzip member (header and trailer, RFC 1952).
    public static let gzip = 16 + MAX_WBITS

    /// Inflates from `input[start...]` into the whole of `output`.
    /// - Returns: how the step ended, the bytes written at the front of `output`, and the input bytes consumed.
    public func step(
        _ input: inout [UInt8], from start: Int, into output: inout [UInt8]
    ) -> (status: Status, produced: Int, consumed: Int) {
        let (code, produced, consumed) = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress.map { $0 + start }
                stream.avail_in = uInt(source.count - start)
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let code = CZlib.inflate(&stream, Z_NO_FLUSH)
                return (code, target.count - Int(stream.avail_out), source.count - start - Int(stream.avail_in))
            }
        }
        switch code {
        case Z_STREAM_END: return (.ended, produced, consumed)
        case Z_OK, Z_BUF_ERROR: return (.progressed, produced, consumed)
        default: return (.failed(stream.msg.map { String(cString: $0) }), produced, consumed)
        }
    }
}
