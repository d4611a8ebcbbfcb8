public import StemmaCore

/// Writing an envelope or bundle to a file.
public enum AttestationOutput {
    /// Writes `bytes` to `path` atomically (a temporary sibling, then a rename).
    /// - Throws: ``StemmaError`` `.io` naming the file.
    public static func write(_ bytes: [UInt8], to path: String) throws(StemmaError) {
        try AtomicFile.write(bytes, to: path)
    }
}
