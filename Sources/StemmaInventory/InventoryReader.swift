public import StemmaCore
public import StemmaGraph

/// One input format Stemma reads into the graph.
///
/// Readers recognise their files by content, never by name alone, and never throw for a malformed document:
/// problems become warnings naming the file, so the rest of the inventory is still answered.
public protocol InventoryReader: Sendable {
    /// A short name for messages (`cyclonedx`, `hf-model-card`).
    static var formatName: String { get }

    /// Whether this reader handles the file. `head` is up to the first 64 KiB of it.
    static func recognizes(path: String, head: [UInt8]) -> Bool

    /// Reads the whole file (at most the inventory's per-file limit) into a fragment.
    /// - Parameters:
    ///   - path: the file, for evidence and warnings.
    ///   - bytes: its contents.
    static func read(path: String, bytes: [UInt8]) -> InventoryFragment
}

extension InventoryFragment {
    /// A fragment holding one warning.
    public static func warning(_ source: String, _ message: String) -> InventoryFragment {
        InventoryFragment(warnings: [InventoryWarning(source: source, message: message)])
    }

    /// A fragment saying the file was recognised but not read in full: it crossed `limit`, a bound Stemma sets
    /// (never a format error). Commands refuse to answer from an inventory that holds one.
    public static func notFullyRead(_ source: String, _ message: String) -> InventoryFragment {
        InventoryFragment(warnings: [InventoryWarning(source: source, message: message, incomplete: true)])
    }

    /// The fragment of a document its parser refused: not fully read when a bound was reached
    /// (`limitExceeded`), a plain warning when the document is malformed.
    static func refused(_ source: String, _ error: StemmaError, prefix: String = "") -> InventoryFragment {
        error.code == .limitExceeded
            ? .notFullyRead(source, prefix + error.message + "; not read") : .warning(source, prefix + error.message)
    }
}
