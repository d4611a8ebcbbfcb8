public import StemmaGraph
public import StemmaInventory

/// What `stemma bom` was asked.
public struct BOMRequest: Sendable {
    /// Inventory folders and files.
    public var inventory: [String]
    /// The agent the BOM describes (its closure only); nil describes the whole fleet.
    public var agent: ComponentRef?
    /// The model the BOM describes (a bundle's, from ``BundleGraph``): its closure only, as the subject.
    public var model: ComponentRef?
    /// OSV advisory files and folders: matched components become `vulnerabilities`.
    public var advisories: [String] = []
    public var specVersion: CycloneDXVersion = .v1_6
    /// A fixed serial number; nil derives one from the content.
    public var serialNumber: String?
    /// A fixed `metadata.timestamp` (RFC 3339, UTC); nil uses the newest source document's modification time.
    public var timestamp: String?
    /// The name of the fleet's application component; nil uses the first inventory folder's name.
    public var fleetName: String?
    public var limits = InventoryLimits()
    /// Whether an inventory that gives the graph nothing still gets a (nearly empty) document; without it such an
    /// inventory is an error, so a mistyped folder never becomes an empty BOM.
    public var allowEmpty = false

    /// Creates a request for the whole inventory.
    public init(inventory: [String]) { self.inventory = inventory }
}

/// The CycloneDX versions Stemma writes. 1.6 is the default because more consumers accept it.
public enum CycloneDXVersion: String, Sendable, CaseIterable {
    case v1_6 = "1.6"
    case v1_7 = "1.7"
}
