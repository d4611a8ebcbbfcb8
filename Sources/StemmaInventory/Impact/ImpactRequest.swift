public import StemmaGraph

/// What `stemma impact` was asked.
public struct ImpactRequest: Sendable {
    /// The component to flag (a purl, `KIND:NAME[@VERSION]` or `sha256:HEX`), if one was named.
    public var query: ComponentRef?
    /// The query exactly as typed, for the report.
    public var queryText: String?
    /// Inventory folders and files.
    public var inventory: [String]
    /// OSV advisory files and folders: every component they match is flagged.
    public var advisories: [String] = []
    /// Digest revocation lists: lines of `sha256:HEX [reason]`.
    public var revocationLists: [String] = []
    /// Components flagged by hand.
    public var manualFlags: [ComponentRef] = []
    /// The severity given to the query and to manual flags.
    public var severity: ImpactSeverity = .critical
    public var limits = InventoryLimits()
    /// Whether an inventory path that gives the graph nothing is accepted (`bom`/`graph --allow-empty`); `impact`
    /// never accepts it.
    public var allowEmpty = false
    /// Counters for a progress display while the inventory is read; nil for none.
    public var progress: InventoryProgress?

    public init(query: ComponentRef?, queryText: String?, inventory: [String]) {
        self.query = query
        self.queryText = queryText
        self.inventory = inventory
    }
}
