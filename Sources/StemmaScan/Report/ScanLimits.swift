/// Bounds on everything a scan will do with hostile input. Reaching one is a finding (`scan.incomplete`), which
/// makes the file `malformed`: never `safe`, and never `dangerous` for that reason alone.
public struct ScanLimits: Sendable, Equatable {
    /// How many containers deep members are opened (a zip in a tar.gz is depth 2).
    public var maxDepth: Int
    /// Members read from one archive, counting nested ones.
    public var maxMembers: Int
    /// Bytes of one member (or one decompressed stream) brought into memory to be scanned.
    public var maxMemberBytes: Int
    /// Decompressed bytes for one top-level file, all members together.
    public var maxTotalBytes: Int
    /// Largest ratio of uncompressed to compressed size accepted for a member (zip bombs).
    public var maxCompressionRatio: Int
    /// Pickle opcodes executed for one pickle stream.
    public var maxOpcodes: Int
    /// Entries in the pickle memo.
    public var maxMemoEntries: Int
    /// Abstract values on the pickle stack and metastack together.
    public var maxStackDepth: Int
    /// How deep pickles nested inside pickles (`pickle.loads(b"...")`) are followed.
    public var maxNestedPickleDepth: Int
    /// Files visited when a folder is scanned.
    public var maxFiles: Int

    public init(
        maxDepth: Int = 4, maxMembers: Int = 100_000, maxMemberBytes: Int = 512 << 20,
        maxTotalBytes: Int = 8 << 30, maxCompressionRatio: Int = 1000, maxOpcodes: Int = 100_000_000,
        maxMemoEntries: Int = 1_000_000, maxStackDepth: Int = 1_000_000, maxNestedPickleDepth: Int = 3,
        maxFiles: Int = 1_000_000
    ) {
        self.maxDepth = maxDepth
        self.maxMembers = maxMembers
        self.maxMemberBytes = maxMemberBytes
        self.maxTotalBytes = maxTotalBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.maxOpcodes = maxOpcodes
        self.maxMemoEntries = maxMemoEntries
        self.maxStackDepth = maxStackDepth
        self.maxNestedPickleDepth = maxNestedPickleDepth
        self.maxFiles = maxFiles
    }

    /// The defaults: generous for real models (a 12 MB pickle has ~2 M opcodes), small against bombs.
    public static let standard = ScanLimits()
}
