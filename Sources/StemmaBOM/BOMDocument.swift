public import StemmaCore
public import StemmaGraph

/// A finished BOM: the JSON value, its bytes as written, and what the inventory warned about.
public struct BOMDocument: Sendable {
    /// The whole document.
    public var json: JSONValue
    /// Two-space indented JSON ending in a newline; the same input always gives the same bytes.
    public var bytes: [UInt8]
    /// Inventory problems that did not stop the BOM (unreadable files, cycles).
    public var warnings: [InventoryWarning]
}
