/// A file found while walking an inventory.
struct InventoryFile: Sendable {
    /// The path as it will appear in evidence and warnings.
    var path: String
    var size: Int64
}
