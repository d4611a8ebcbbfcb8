/// A reader of large binary files (GGUF, safetensors) that needs only a header at the start of the file.
///
/// The walker never passes such a file whole. It reads the head (up to 64 KiB), asks ``bytesNeeded(head:)``,
/// and while the answer is longer than the prefix it has (and the file), reads a longer prefix and asks again;
/// ``prefix(head:fileSize:readPrefix:)`` does exactly that. The answers only grow and never exceed
/// ``maxHeaderBytes``, so the loop ends after a few rounds and the largest allocation is bounded whatever the
/// file declares. A header longer than the bound or than the file is left to ``InventoryReader/read(path:bytes:)``,
/// which sees a short prefix and returns a warning.
public protocol HeaderOnlyReader: InventoryReader {
    /// The longest prefix the reader ever asks for (100 MB for safetensors, 64 MiB for GGUF).
    static var maxHeaderBytes: Int { get }

    /// How many bytes from the start of the file the reader needs, judging from the prefix it has been given.
    ///
    /// - Returns: a length in `1...maxHeaderBytes`; at most `head.count` when the prefix already holds the whole
    ///   header (or proves the file malformed); nil when the prefix is not this format.
    static func bytesNeeded(head: [UInt8]) -> Int?
}

extension HeaderOnlyReader {
    /// Grows a prefix of a file until it holds the reader's whole header, the file, or ``maxHeaderBytes``.
    ///
    /// - Parameters:
    ///   - head: the first bytes already read (up to 64 KiB).
    ///   - fileSize: the file's size in bytes.
    ///   - readPrefix: reads the first `n` bytes of the file (fewer at its end).
    /// - Returns: the bytes to pass to ``InventoryReader/read(path:bytes:)``.
    public static func prefix<Failure: Error>(
        head: [UInt8], fileSize: Int, readPrefix: (Int) throws(Failure) -> [UInt8]
    ) throws(Failure) -> [UInt8] {
        var prefix = head
        while prefix.count < fileSize, let needed = bytesNeeded(head: prefix), needed > prefix.count {
            let length = min(needed, fileSize, maxHeaderBytes)
            guard length > prefix.count else { break }
            prefix = try readPrefix(length)
            guard prefix.count == length else { break }  // the file shrank: read what there is
        }
        return prefix
    }
}
