import StemmaFormats

/// How files are cut into signed resources: whole, or in shards of a fixed size.
enum HashLayout: Sendable, Equatable {
    case whole
    case shards(UInt64)

    init(_ method: SerializationMethod) {
        switch method {
        case .files: self = .whole
        case .shards(let size): self = .shards(size)
        }
    }

    /// The byte ranges a file of `size` bytes is hashed in; an empty file is one empty range
    /// (Stemma signs empty files in shard mode too, as `path:0:0`).
    func ranges(size: UInt64) -> [Range<UInt64>] {
        switch self {
        case .whole: return [0..<size]
        case .shards(let shardSize):
            guard size > 0 else { return [0..<0] }
            return ShardName.layout(path: "", size: size, shardSize: shardSize).map { $0.start..<$0.end }
        }
    }
}
