public import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Bytes to scan: a range of an open file, read with `pread` on demand, or a buffer in memory (a decompressed
/// member, a nested pickle).
///
/// Scanners never need the whole input at once: they read the few bytes that can hold code (a zip's central
/// directory and its pickle members, a header) and skip the rest, which keeps a 500 MB checkpoint at a few
/// hundred kilobytes of reads. Slices share the file; nothing is copied until it is read.
public final class ScanInput {
    /// The number of bytes in this input.
    public let count: Int
    /// The file the bytes come from, for messages (the top-level path, not the member).
    public let path: String
    private let storage: Storage
    private let base: Int

    private enum Storage {
        case file(OpenFile)
        case memory([UInt8])
    }

    /// Opens a regular file for scanning.
    /// - Throws: ``StemmaError`` `.io` naming the file when it cannot be opened or is not a regular file.
    public static func open(path: String) throws(StemmaError) -> ScanInput {
        let file = try OpenFile(path: path)
        return ScanInput(storage: .file(file), base: 0, count: file.size, path: path)
    }

    /// Opens a regular file whose path is not valid UTF-8 (a name `String` cannot hold); `path` is its printable
    /// form for messages.
    /// - Throws: ``StemmaError`` `.io` naming the file when it cannot be opened or is not a regular file.
    public static func open(rawPath: [UInt8], path: String) throws(StemmaError) -> ScanInput {
        let file = try OpenFile(rawPath: rawPath, path: path)
        return ScanInput(storage: .file(file), base: 0, count: file.size, path: path)
    }

    /// The first `count` bytes of a regular file the caller already has open (verify's hash worker), read with
    /// `pread` from that descriptor, so the bytes scanned are the bytes the caller read.
    ///
    /// The input does not own the descriptor and never closes it: the caller keeps it open until the scan (and
    /// every slice of the input) is done, then closes it.
    public static func borrowing(descriptor: Int32, count: Int, path: String) -> ScanInput {
        let file = OpenFile(borrowing: descriptor, size: max(0, count))
        return ScanInput(storage: .file(file), base: 0, count: file.size, path: path)
    }

    /// Bytes already in memory (a decompressed member); `path` names the top-level file for messages.
    public convenience init(bytes: [UInt8], path: String) {
        self.init(storage: .memory(bytes), base: 0, count: bytes.count, path: path)
    }

    private init(storage: Storage, base: Int, count: Int, path: String) {
        self.storage = storage
        self.base = base
        self.count = count
        self.path = path
    }

    /// The bytes `offset ..< offset + count` of this input as an input of their own (clamped to the end).
    public func slice(offset: Int, count: Int) -> ScanInput {
        let start = min(max(0, offset), self.count)
        let length = min(max(0, count), self.count - start)
        return ScanInput(storage: storage, base: base + start, count: length, path: path)
    }

    /// Copies up to `buffer.count` bytes starting at `offset` into `buffer`; returns how many were copied
    /// (fewer only at the end of the input).
    /// - Throws: ``StemmaError`` `.io` when the file cannot be read.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StemmaError) -> Int {
        guard offset >= 0, offset < count, buffer.count > 0 else { return 0 }
        let wanted = min(buffer.count, count - offset)
        switch storage {
        case .memory(let bytes):
            bytes.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + base + offset, byteCount: wanted)
            }
            return wanted
        case .file(let file):
            var filled = 0
            while filled < wanted {
                let got = pread(
                    file.descriptor, buffer.baseAddress! + filled, wanted - filled, off_t(base + offset + filled))
                if got < 0 && errno == EINTR { continue }
                guard got >= 0 else { throw StemmaError.io("read", path, errno: errno) }
                if got == 0 { break }  // the file shrank while it was scanned; callers see a short read
                filled += got
            }
            return filled
        }
    }

    /// Up to `count` bytes starting at `offset` (fewer at the end of the input).
    /// - Throws: ``StemmaError`` `.io` when the file cannot be read.
    public func bytes(at offset: Int, count wanted: Int) throws(StemmaError) -> [UInt8] {
        let length = max(0, min(wanted, count - max(0, offset)))
        guard length > 0 else { return [] }
        var result = [UInt8](repeating: 0, count: length)
        let got: Result<Int, StemmaError> = result.withUnsafeMutableBytes { buffer in
            Result { () throws(StemmaError) -> Int in try read(at: offset, into: buffer) }
        }
        let filled = try got.get()
        if filled < length { result.removeLast(length - filled) }
        return result
    }

    /// The whole input in memory, or nil when it is larger than `maxBytes`.
    /// - Throws: ``StemmaError`` `.io` when the file cannot be read.
    public func allBytes(maxBytes: Int) throws(StemmaError) -> [UInt8]? {
        guard count <= maxBytes else { return nil }
        if case .memory(let bytes) = storage, base == 0, count == bytes.count { return bytes }
        return try bytes(at: 0, count: count)
    }
}

/// An open file descriptor with one owner; closed when the last ``ScanInput`` slice of it goes away, unless it
/// was borrowed from a caller who closes it.
private final class OpenFile {
    let descriptor: Int32
    let size: Int
    private let owned: Bool

    init(borrowing descriptor: Int32, size: Int) {
        self.descriptor = descriptor
        self.size = size
        self.owned = false
    }

    convenience init(path: String) throws(StemmaError) {
        try self.init(rawPath: Array(path.utf8), path: path)
    }

    init(rawPath: [UInt8], path: String) throws(StemmaError) {
        let file = try RegularFile(rawPath: rawPath, display: path)
        self.size = Int(file.size)
        self.descriptor = file.release()
        self.owned = true
    }

    deinit { if owned { close(descriptor) } }
}
