internal import CArchive
import StemmaCore

/// The bytes of a file, or of a member a caller holds, after decompression (gzip, bzip2, xz, zstd or none,
/// recognised by content), through libarchive's `raw` format, so that a tar reader of our own can walk them.
///
/// Concatenated compressed members are read as one stream, as `gzip -d`, `xz -d`, `zstd -d` and Python read them.
/// Bytes after the last member that are not zeros are reported by ``trailingBytesProblem()``: `gzip -d` warns
/// and ignores them (and `tar -x` fails), Python's `gzip` refuses them when it reads that far, libarchive stops
/// silently. Only the four compressions that
/// Python's `tarfile` and GNU tar both know are enabled, and none that runs an external program.
final class DecompressedStream {
    private let archive: OpaquePointer  // struct archive *, owned
    /// The compressed bytes and libarchive's read position in them.
    private let source: Source
    /// The file or member, for messages.
    let path: String
    /// The size of the compressed input.
    let fileSize: Int64
    /// Decompressed bytes handed out so far.
    private(set) var produced: Int64 = 0
    private var ended = false

    /// Opens `path`.
    /// - Throws: ``StemmaError`` `.io` or `.archive` naming the file.
    convenience init(path: String) throws(StemmaError) {
        try self.init(source: ZipFile(path: path), name: path)
    }

    /// Reads `bytes` (a file, or a member a caller holds), named `name` in messages.
    /// - Throws: ``StemmaError`` `.archive` naming it when libarchive cannot start.
    init(source bytes: any ZipByteSource, name: String) throws(StemmaError) {
        guard let archive = archive_read_new() else {
            throw StemmaError(.archive, "could not allocate a reader for '\(name)'")
        }
        self.archive = archive
        self.source = Source(bytes)
        self.path = name
        self.fileSize = Int64(bytes.count)
        archive_read_support_filter_gzip(archive)
        archive_read_support_filter_bzip2(archive)
        archive_read_support_filter_xz(archive)
        archive_read_support_filter_zstd(archive)
        archive_read_support_format_raw(archive)
        archive_read_set_callback_data(archive, Unmanaged.passUnretained(source).toOpaque())
        archive_read_set_read_callback(archive) { _, context, buffer in
            guard let context, let buffer else { return -1 }
            return Unmanaged<Source>.fromOpaque(context).takeUnretainedValue().read(into: buffer)
        }
        guard archive_read_open1(archive) == ARCHIVE_OK else { throw failure("could not open '\(name)'") }
        var entry: OpaquePointer?
        let header = archive_read_next_header(archive, &entry)
        if header == ARCHIVE_EOF {
            ended = true
        } else if header != ARCHIVE_OK && header != ARCHIVE_WARN {
            throw failure("could not read '\(name)'")
        }
    }

    deinit { archive_read_free(archive) }

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
        // Read from the source libarchive read (for a file, the same descriptor), whatever happened to the path.
        var offset = Int(consumed)
        while offset < Int(fileSize) {
            let chunk = try source.bytes.bytes(at: offset, count: 1 << 16)
            guard !chunk.isEmpty else { throw StemmaError(.io, "'\(path)' shrank while it was read") }
            if chunk.contains(where: { $0 != 0 }) {
                return ArchiveProblem(
                    .ambiguous, member: "offset \(consumed)",
                    "'\(path)' holds \(fileSize - consumed) bytes after its compressed stream ends at offset "
                        + "\(consumed): gzip -d warns and ignores them (tar -x then fails), Python's gzip refuses "
                        + "them when it reads that far, libarchive stops before them; another format may hide there")
            }
            offset += chunk.count
        }
        return nil
    }

    /// The input behind libarchive's read callback, with the buffer its last read handed out.
    private final class Source {
        let bytes: any ZipByteSource
        var position = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)

        init(_ bytes: any ZipByteSource) { self.bytes = bytes }

        deinit { buffer.deallocate() }

        func read(into pointer: UnsafeMutablePointer<UnsafeRawPointer?>) -> la_ssize_t {
            do throws(StemmaError) {
                let got = try bytes.read(at: position, into: buffer)
                position += got
                pointer.pointee = UnsafeRawPointer(buffer.baseAddress)
                return la_ssize_t(got)
            } catch {
                return -1
            }
        }
    }
}
