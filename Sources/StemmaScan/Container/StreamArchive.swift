internal import CArchive
import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// tar, 7z, rar and single compressed streams (gzip, bzip2, xz, zstd, lz4) read by libarchive straight from a
/// ``ScanInput``: a file range with `pread`, or a decompressed member in memory. Nothing touches the disk.
///
/// StemmaArchive's reader opens paths; scanning needs members of members, so this small wrapper feeds libarchive
/// through its read, skip and seek callbacks instead.
final class StreamArchive {
    /// One entry's header.
    struct Entry {
        enum Kind: Equatable {
            case regular
            case directory
            case symbolicLink(String)
            case hardLink(String)
            case other
        }
        var name: String
        var kind: Kind
        var declaredSize: Int?
        var encrypted: Bool
    }

    private let archive: OpaquePointer  // struct archive *, owned
    private let source: Source

    /// libarchive returns nil UTF-8 names for non-ASCII entries until the C locale's character type is UTF-8.
    private static let utf8Locale: Bool = { setlocale(LC_CTYPE, "C.UTF-8") != nil }()

    /// Opens `input` as tar, 7z or rar, or as a single compressed stream (libarchive's "raw" format).
    /// - Parameter rawOnly: read it only as a compressed stream, never as an archive of entries.
    /// - Throws: ``StemmaError`` `.archive` with libarchive's reason when nothing can read it.
    init(_ input: ScanInput, rawOnly: Bool = false) throws(StemmaError) {
        _ = Self.utf8Locale
        guard let archive = archive_read_new() else { throw StemmaError(.archive, "libarchive could not start") }
        self.archive = archive
        self.source = Source(input)
        archive_read_support_filter_all(archive)
        if !rawOnly {
            archive_read_support_format_tar(archive)
            archive_read_support_format_gnutar(archive)
            archive_read_support_format_7zip(archive)
            archive_read_support_format_rar(archive)
            archive_read_support_format_rar5(archive)
        }
        archive_read_support_format_raw(archive)
        archive_read_set_callback_data(archive, Unmanaged.passUnretained(source).toOpaque())
        archive_read_set_read_callback(archive) { _, context, buffer in
            guard let context, let buffer else { return -1 }
            return Unmanaged<Source>.fromOpaque(context).takeUnretainedValue().read(into: buffer)
        }
        archive_read_set_skip_callback(archive) { _, context, request in
            guard let context else { return 0 }
            return Unmanaged<Source>.fromOpaque(context).takeUnretainedValue().skip(request)
        }
        archive_read_set_seek_callback(archive) { _, context, offset, whence in
            guard let context else { return -1 }
            return Unmanaged<Source>.fromOpaque(context).takeUnretainedValue().seek(offset, whence: whence)
        }
        guard archive_read_open1(archive) == ARCHIVE_OK else { throw failure("libarchive cannot open it") }
    }

    deinit { archive_read_free(archive) }

    private func failure(_ message: String) -> StemmaError {
        let detail = archive_error_string(archive).map { String(cString: $0) } ?? "no detail from libarchive"
        return StemmaError(.archive, message, underlying: LibraryDiagnostic(detail))
    }

    /// Whether libarchive read it as a single compressed stream rather than an archive of entries.
    var isRawStream: Bool { Int32(archive_format(archive)) & ARCHIVE_FORMAT_BASE_MASK == ARCHIVE_FORMAT_RAW }

    /// What libarchive read the entries as: `.tar`, `.sevenZip` or `.rar` (known after the first header).
    var archiveKind: ContentKind {
        switch Int32(archive_format(archive)) & ARCHIVE_FORMAT_BASE_MASK {
        case ARCHIVE_FORMAT_7ZIP: return .sevenZip
        case ARCHIVE_FORMAT_RAR, ARCHIVE_FORMAT_RAR_V5: return .rar
        default: return .tar
        }
    }

    /// The outermost compression filter's name (`gzip`, `xz`), or nil for none.
    var filterName: String? {
        guard archive_filter_count(archive) > 1, let name = archive_filter_name(archive, 0) else { return nil }
        return String(cString: name)
    }

    /// The next entry, or nil at the end.
    /// - Throws: ``StemmaError`` `.archive` for a corrupt or truncated archive.
    func next() throws(StemmaError) -> Entry? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            throw failure("the archive is corrupt or truncated")
        }
        let name =
            archive_entry_pathname(entry).map { String(cString: $0) }
            ?? archive_entry_pathname_utf8(entry).map { String(cString: $0) } ?? ""
        let type = UInt32(archive_entry_filetype(entry))
        let kind: Entry.Kind
        if let target = archive_entry_hardlink(entry) {
            kind = .hardLink(String(cString: target))
        } else if type == CArchive_AE_IFREG() {
            kind = .regular
        } else if type == CArchive_AE_IFDIR() {
            kind = .directory
        } else if type == CArchive_AE_IFLNK() {
            kind = .symbolicLink(archive_entry_symlink(entry).map { String(cString: $0) } ?? "")
        } else {
            kind = .other
        }
        let size = archive_entry_size_is_set(entry) != 0 ? Int(clamping: archive_entry_size(entry)) : nil
        return Entry(name: name, kind: kind, declaredSize: size, encrypted: archive_entry_is_encrypted(entry) > 0)
    }

    /// Reads the current entry's data, at most `maxBytes` of it.
    /// - Returns: the bytes, and whether the entry ended within the bound.
    /// - Throws: ``StemmaError`` `.archive` for corrupt data.
    /// Reads the next bytes of the current entry into `buffer`, appending; returns how many (0 at its end).
    func readMore(into buffer: inout [UInt8], chunk: Int = 64 << 10) throws(StemmaError) -> Int {
        let start = buffer.count
        // Grown from a zeroed array, not `repeatElement`, which an unoptimised build walks byte by byte.
        buffer.append(contentsOf: [UInt8](repeating: 0, count: chunk))
        let got = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress! + start, chunk) }
        buffer.removeLast(chunk - max(0, got))
        guard got >= 0 else { throw failure("the data is corrupt or truncated") }
        return got
    }

    func read(maxBytes: Int) throws(StemmaError) -> (bytes: [UInt8], complete: Bool) {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            // One byte more than the bound is asked for, to tell "exactly the bound" from "more".
            let left = maxBytes - result.count
            let room = left >= chunk.count ? chunk.count : left + 1
            let got = chunk.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, room) }
            if got == 0 { return (result, true) }
            guard got > 0 else { throw failure("the data is corrupt or truncated") }
            guard result.count + got <= maxBytes else {
                result.append(contentsOf: chunk[0..<(maxBytes - result.count)])
                return (result, false)
            }
            result.append(contentsOf: chunk[0..<got])
        }
    }

    /// The input behind libarchive's callbacks, with the buffer its last read handed out.
    private final class Source {
        let input: ScanInput
        var position = 0
        let buffer: UnsafeMutableRawBufferPointer

        init(_ input: ScanInput) {
            self.input = input
            buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        }

        deinit { buffer.deallocate() }

        func read(into pointer: UnsafeMutablePointer<UnsafeRawPointer?>) -> la_ssize_t {
            do throws(StemmaError) {
                let got = try input.read(at: position, into: buffer)
                position += got
                pointer.pointee = UnsafeRawPointer(buffer.baseAddress)
                return la_ssize_t(got)
            } catch {
                return -1
            }
        }

        func skip(_ request: la_int64_t) -> la_int64_t {
            let step = Int(clamping: max(0, min(request, la_int64_t(input.count - position))))
            position += step
            return la_int64_t(step)
        }

        func seek(_ offset: la_int64_t, whence: Int32) -> la_int64_t {
            let base: Int
            switch whence {
            case SEEK_SET: base = 0
            case SEEK_CUR: base = position
            case SEEK_END: base = input.count
            default: return -1
            }
            let (target, overflow) = base.addingReportingOverflow(Int(clamping: offset))
            guard !overflow, target >= 0, target <= input.count else { return -1 }
            position = target
            return la_int64_t(target)
        }
    }
}
