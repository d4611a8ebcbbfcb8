public import StemmaCore

/// Writes a finished BOM to a file: a temporary sibling first, then a rename, so a reader never sees half a BOM.
public enum BOMOutput {
    /// Writes `bytes` to `path`, replacing it.
    /// - Throws: ``StemmaError`` (`io`) naming the path when it cannot be written.
    public static func write(_ bytes: [UInt8], to path: String) throws(StemmaError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            throw StemmaError(.io, "cannot write the BOM to \(path): \(error.message)")
        }
    }
}
