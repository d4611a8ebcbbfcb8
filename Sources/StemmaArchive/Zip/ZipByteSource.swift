public import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Random-access bytes a zip is read from: a file (``ZipFile``) or whatever a caller already holds (the scan's
/// inputs: a file, a slice of one, a member in memory).
public protocol ZipByteSource {
    /// The number of bytes.
    var count: Int { get }
    /// Copies up to `buffer.count` bytes at `offset` into `buffer`; returns how many were copied (fewer only at the
    /// end).
    /// - Throws: ``StemmaError`` `.io` when the bytes cannot be read.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StemmaError) -> Int
    /// Up to `count` bytes at `offset` (fewer at the end).
    /// - Throws: ``StemmaError`` `.io` when the bytes cannot be read.
    func bytes(at offset: Int, count: Int) throws(StemmaError) -> [UInt8]
}

extension ZipByteSource {
    /// Up to `count` bytes at `offset`, read with ``read(at:into:)``.
    public func bytes(at offset: Int, count wanted: Int) throws(StemmaError) -> [UInt8] {
        let length = max(0, min(wanted, count - max(0, offset)))
        guard length > 0, offset >= 0 else { return [] }
        var result = [UInt8](repeating: 0, count: length)
        let got: Result<Int, StemmaError> = result.withUnsafeMutableBytes { buffer in
            Result { () throws(StemmaError) -> Int in try read(at: offset, into: buffer) }
        }
        let filled = try got.get()
        if filled < length { result.removeLast(length - filled) }
        return result
    }
}

/// A zip file on disk, read with `pread`.
///
/// Opened through ``RegularFile`` (`O_NONBLOCK`, then `fstat` on the descriptor), so a named pipe or device named
/// `.zip` is refused instead of blocking.
public final class ZipFile: ZipByteSource {
    /// The file's size when it was opened.
    public let count: Int
    /// The path, for messages.
    public let path: String
    private let descriptor: Int32  // owned

    /// Opens `path`.
    /// - Throws: ``StemmaError`` `.io` naming the path when it cannot be opened or is not a regular file.
    public init(path: String) throws(StemmaError) {
        let file = try RegularFile(path: path)
        self.count = Int(file.size)
        self.path = path
        self.descriptor = file.release()
    }

    deinit { Glibc.close(descriptor) }

    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StemmaError) -> Int {
        guard offset >= 0, offset < count, buffer.count > 0, let base = buffer.baseAddress else { return 0 }
        let wanted = min(buffer.count, count - offset)
        var filled = 0
        while filled < wanted {
            let got = pread(descriptor, base + filled, wanted - filled, off_t(offset + filled))
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw StemmaError.io("read", path, errno: errno) }
            if got == 0 { break }  // the file shrank; callers see a short read
            filled += got
        }
        return filled
    }
}
