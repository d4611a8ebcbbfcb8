/// Bounds on what reading one archive may cost; reaching one is an error, never a partial pass.
public struct ArchiveLimits: Sendable {
    /// The most entries (files, folders, links) an archive may hold.
    public var maxEntries: Int
    /// The most bytes all entries may expand to, sparse holes included.
    public var maxTotalBytes: Int64
    /// How many times larger than the archive file its contents may be, once past `ratioFloorBytes`.
    /// Model weights barely compress; a decompression bomb expands hundreds of times.
    public var maxExpansionRatio: Int64
    /// Output below this many bytes is never refused for its ratio.
    public var ratioFloorBytes: Int64
    /// The longest entry name, in bytes.
    public var maxNameBytes: Int
    /// The largest tar extension header (pax records), in bytes.
    public var maxHeaderBytes: Int = 1 << 20
    /// The most ranges a sparse tar member's map may hold.
    public var maxSparseEntries: Int = 1_000_000

    /// Creates limits.
    public init(
        maxEntries: Int, maxTotalBytes: Int64, maxExpansionRatio: Int64, ratioFloorBytes: Int64, maxNameBytes: Int
    ) {
        self.maxEntries = maxEntries
        self.maxTotalBytes = maxTotalBytes
        self.maxExpansionRatio = maxExpansionRatio
        self.ratioFloorBytes = ratioFloorBytes
        self.maxNameBytes = maxNameBytes
    }

    /// 1 million entries, 4 TiB, 200× expansion past 256 MiB, 4 KiB names.
    public static let standard = ArchiveLimits(
        maxEntries: 1_000_000, maxTotalBytes: 4 << 40, maxExpansionRatio: 200, ratioFloorBytes: 256 << 20,
        maxNameBytes: 4096)
}
