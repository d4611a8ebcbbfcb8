import StemmaCore

/// Bounds on reading an inventory: inputs are hostile, so every size, depth and count is capped.
public struct InventoryLimits: Sendable {
    /// The most bytes read from one JSON, YAML or TOML document; larger files are skipped with a warning.
    public var maxDocumentBytes = 64 << 20
    /// The most bytes of a model card read to find its front matter (the rest is prose).
    public var maxCardBytes = 1 << 20
    /// The most files one inventory may hold.
    public var maxFiles = 2_000_000
    /// The deepest folder nesting walked.
    public var maxDepth = 64
    /// The most bytes of large documents (over 1 MiB each) read and parsed at once by all cores together; one
    /// larger document is still read, alone.
    public var maxBytesInFlight = 96 << 20

    public init() {}

    /// JSON limits for inventory documents: deep enough for real BOMs, shallow enough to refuse hostile nesting.
    static let json = JSONLimits(maxBytes: 64 << 20, maxDepth: 64, maxValues: 8_000_000)
}
