#if Serve
    import StemmaArchive

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
            guard let inflater = ZlibInflater(windowBits: ZlibInflater.gzip) else {
                return .corrupt("zlib did not start")
            }
            var input = input
            var output: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            var consumed = 0
            while true {
                let (status, produced, used) = inflater.step(&input, from: consumed, into: &chunk)
                consumed += used
                guard output.count + produced <= maxOutput else { return .tooLarge }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case .ended:
                    return consumed == input.count ? .inflated(output) : .corrupt("data after the gzip stream")
                case .progressed:
                    if produced == 0 && used == 0 { return .corrupt("the gzip stream ends early") }
                case .failed(let message):
                    return .corrupt(message ?? "invalid gzip data")
                }
            }
        }
    }
#endif
