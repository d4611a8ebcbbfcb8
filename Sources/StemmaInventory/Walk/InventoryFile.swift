/// A file found while walking an inventory.
struct InventoryFile: Sendable {
    /// The path as it will appear in evidence and warnings.
    var path: String
    /// The size in bytes, or -1 when not yet known (read with `fstat` on open).
    var size: Int64
}
