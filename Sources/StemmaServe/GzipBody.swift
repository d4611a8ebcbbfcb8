#if Serve
    import CZlib

    /// A `Content-Encoding: gzip` request body inflated with zlib, never past a bound (a small body must not
    /// become gigabytes in memory).
    enum GzipBody {
        enum Outcome: Equatable {
            case inflated([UInt8])
            case tooLarge
            case corrupt(String)
        }

        /// Inflates one gzip member (RFC 1952); bytes after it are refused, as is output beyond `maxOutput`.
        static func inflate(_ input: [UInt8], maxOutput: Int) -> Outcome {
            var stream = z_stream()
            // 16 + MAX_WBITS: a gzip header and trailer, not a zlib one.
            guard CZlib_inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK else { return .corrupt("zlib did not start") }
            defer { inflateEnd(&stream) }
            var input = input
            var output: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            var consumed = 0
            while true {
                let start = consumed
                let (status, produced, used) = input.withUnsafeMutableBufferPointer { source in
                    chunk.withUnsafeMutableBufferPointer { target in
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
                consumed += used
                guard output.count + produced <= maxOutput else { return .tooLarge }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END:
                    return consumed == input.count ? .inflated(output) : .corrupt("data after the gzip stream")
                case Z_OK, Z_BUF_ERROR:
                    if produced == 0 && used == 0 { return .corrupt("the gzip stream ends early") }
                default:
                    return .corrupt(stream.msg.map { String(cString: $0) } ?? "invalid gzip data")
                }
            }
        }
    }
#endif
