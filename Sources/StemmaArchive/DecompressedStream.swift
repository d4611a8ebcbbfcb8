internal import CArchive
import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// The bytes of a file after decompression (gzip, bzip2, xz, zstd or none, recognised by content), through
/// libarchive's `raw` format, so that a tar reader of our own can walk them.
///
/// Concatenated compressed members are read as one stream, as `gzip -d`, `xz -d`, `zstd -d` and Python read them.
/// Bytes after the last member that are not zeros are reported by ``trailingBytesProblem()``: `gzip -d` warns
/// and ignores them (and `tar -x` fails), Python's `gzip` refuses them when it reads that far, libarchive stops
/// silently. Only the four compressions that
/// Python's `tarfile` and GNU tar both know are enabled, and none that runs an external program.
final class DecompressedStream {
    private let archive: OpaquePointer  // struct archive *, owned
    /// The file, opened through ``RegularFile`` (never blocks on a FIFO); owned, closed in `deinit`.
    private let descriptor: Int32
    let path: String
    /// The size of the file on disk.
    let fileSize: Int64
    /// Decompressed bytes handed out so far.
    private(set) var produced: Int64 = 0
    private var ended = false

    /// Opens `path`.
    /// - Throws: ``StemmaError`` `.io` or `.archive` naming the file.
    init(path: String) throws(StemmaError) {
        let file = try RegularFile(path: path)
        let size = file.size
        let descriptor = file.release()
        guard let archive = archive_read_new() else {
            close(descriptor)
            throw StemmaError(.archive, "could not allocate a reader for '\(path)'")
        }
        self.archive = archive
        self.descriptor = descriptor
        self.path = path
        self.fileSize = size
        archive_read_support_filter_gzip(archive)
        archive_read_support_filter_bzip2(archive)
        archive_read_support_filter_xz(archive)
        archive_read_support_filter_zstd(archive)
        archive_read_support_format_raw(archive)
        guard archive_read_open_fd(archive, descriptor, 1 << 20) == ARCHIVE_OK else {
            throw failure("could not open '\(path)'")
        }
        var entry: OpaquePointer?
        let header = archive_read_next_header(archive, &entry)
        if header == ARCHIVE_EOF {
            ended = true
        } else if header != ARCHIVE_OK && header != ARCHIVE_WARN {
            throw failure("could not read '\(path)'")
        }
    }

    deinit {
        archive_read_free(archive)
        close(descriptor)
    }

    private func failure(_ message: String) -> StemmaError {
        let detail = archive_error_string(archive).map { String(cString: $0) } ?? "no detail from libarchive"
        return StemmaError(.archive, message, underlying: LibraryDiagnostic(detail))
    }

    /// True when the file was compressed.
    var isCompressed: Bool { archive_filter_count(archive) > 1 }

    /// Fills `buffer` with the next bytes; returns how many, 0 at the end of the stream.
    /// - Throws: ``StemmaError`` `.archive` for corrupt or truncated compressed data.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(StemmaError) -> Int {
        guard !ended, let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = archive_read_data(archive, base, buffer.count)
        if count < 0 { throw failure("'\(path)' is corrupt or truncated after \(produced) decompressed bytes") }
        if count == 0 { ended = true }
        produced += Int64(count)
        return count
    }

    /// After the end of the stream: a problem when the file holds bytes after the last compressed member that are
    /// not zeros (readers disagree: `gzip -d` ignores them with a warning, Python's `gzip` refuses them).
    func trailingBytesProblem() throws(StemmaError) -> ArchiveProblem? {
        guard isCompressed else { return nil }
        let consumed = archive_filter_bytes(archive, -1)
        guard consumed < fileSize else { return nil }
        // `pread` on the descriptor libarchive read: the same file, whatever happened to the path since.
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var offset = consumed
        while offset < fileSize {
            let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, off_t(offset)) }
            guard count > 0 else { throw StemmaError.io("read", path, errno: errno) }
            if buffer[0..<count].contains(where: { $0 != 0 }) {
                return ArchiveProblem(
                    .ambiguous, member: "offset \(consumed)",
                    "'\(path)' holds \(fileSize - consumed) bytes after its compressed stream ends at offset "
                        + "\(consumed): gzip -d warns and ignores them (tar -x then fails), Python's gzip refuses "
                        + "them when it reads that far, libarchive stops before them; another format may hide there")
            }
            offset += Int64(count)
        }
        return nil
    }
}
