internal import CArchive
public import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads tar (plain, gzip, xz, zstd, bzip2) and zip archives as a stream of entries through libarchive.
///
/// Nothing is written to disk. Entry data is handed out in chunks; sparse holes are filled with zeros from a
/// fixed 1 MiB buffer, so no allocation is ever sized by what the archive claims. Every limit in
/// ``ArchiveLimits`` is enforced while reading, and a truncated or corrupt archive is an error naming the file.
public final class ArchiveReader {
    private let archive: OpaquePointer  // struct archive *, owned
    private let descriptor: Int32  // owned; libarchive reads it but never closes it
    private let path: String
    private let limits: ArchiveLimits
    private let archiveFileSize: Int64
    private var entryCount = 0
    private var totalBytes: Int64 = 0
    private var currentDeclaredSize: Int64?
    private var currentName = ""

    private static let zeros = [UInt8](repeating: 0, count: 1 << 20)

    /// Opens `path` for streaming.
    /// - Throws: ``StemmaError`` (`.io` or `.archive`) naming the file.
    public init(path: String, limits: ArchiveLimits = .standard) throws(StemmaError) {
        Self.enableUTF8Names()
        // Opened as every input is (a named pipe is refused, not waited on), then handed to libarchive by
        // descriptor, so the file read is the regular file that was checked.
        let file = try RegularFile(path: path)
        guard let archive = archive_read_new() else {
            throw StemmaError(.archive, "could not allocate a reader for '\(path)'")
        }
        archive_read_support_filter_all(archive)
        archive_read_support_format_tar(archive)
        archive_read_support_format_gnutar(archive)
        archive_read_support_format_zip(archive)
        self.archive = archive
        self.path = path
        self.limits = limits
        self.archiveFileSize = file.size
        self.descriptor = file.release()
        guard archive_read_open_fd(archive, descriptor, 1 << 20) == ARCHIVE_OK else {
            throw failure("could not open '\(path)' as an archive")
        }
    }

    deinit {
        archive_read_free(archive)
        close(descriptor)
    }

    /// libarchive returns nil UTF-8 names for non-ASCII entries until the C locale's character type is UTF-8.
    private static let utf8Locale: Bool = { setlocale(LC_CTYPE, "C.UTF-8") != nil }()
    private static func enableUTF8Names() { _ = utf8Locale }

    private func failure(_ message: String) -> StemmaError {
        let detail = archive_error_string(archive).map { String(cString: $0) } ?? "no detail from libarchive"
        return StemmaError(.archive, message, underlying: LibraryDiagnostic(detail))
    }

    /// The next entry, or nil at the end of the archive.
    /// - Throws: ``StemmaError`` for a corrupt or truncated archive, or when the entry limit is reached.
    public func nextEntry() throws(StemmaError) -> ArchiveEntry? {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else {
            throw failure("'\(path)' is corrupt or truncated after \(entryCount) entries")
        }
        entryCount += 1
        guard entryCount <= limits.maxEntries else {
            throw StemmaError(.limitExceeded, "'\(path)' has more than \(limits.maxEntries) entries")
        }
        let raw = Self.rawName(entry)
        let kind: ArchiveEntry.Kind
        let type = UInt32(archive_entry_filetype(entry))
        if let hardLink = archive_entry_hardlink(entry) {
            kind = .hardLink(target: ArchivePath.display(Self.bytes(hardLink)))
        } else if type == CArchive_AE_IFREG() {
            kind = .regularFile
        } else if type == CArchive_AE_IFDIR() {
            kind = .directory
        } else if type == CArchive_AE_IFLNK() {
            kind = .symbolicLink(target: archive_entry_symlink(entry).map { ArchivePath.display(Self.bytes($0)) } ?? "")
        } else {
            kind = .other
        }
        currentDeclaredSize = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil
        currentName = ArchivePath.display(raw)
        return ArchiveEntry(
            displayName: currentName, path: ArchivePath.normalize(raw, maxBytes: limits.maxNameBytes), kind: kind,
            declaredSize: currentDeclaredSize)
    }

    private static func rawName(_ entry: OpaquePointer) -> [UInt8] {
        if let pointer = archive_entry_pathname(entry) { return bytes(pointer) }
        if let pointer = archive_entry_pathname_utf8(entry) { return bytes(pointer) }
        return []
    }

    private static func bytes(_ pointer: UnsafePointer<CChar>) -> [UInt8] {
        Array(
            UnsafeBufferPointer(
                start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
    }

    /// Streams the current entry's bytes to `body` in order, holes as zeros.
    /// - Throws: ``StemmaError`` for corrupt data, data past the declared size, or an exhausted limit.
    public func readData(_ body: (UnsafeRawBufferPointer) -> Void) throws(StemmaError) {
        var position: Int64 = 0
        while true {
            var block: UnsafeRawPointer?
            var size = 0
            var offset: Int64 = 0
            let status = archive_read_data_block(archive, &block, &size, &offset)
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK || status == ARCHIVE_WARN else {
                throw failure("'\(path)': the data of '\(currentName)' is corrupt or truncated")
            }
            guard offset >= position else {
                throw StemmaError(.archive, "'\(path)': '\(currentName)' has overlapping sparse blocks")
            }
            try emitZeros(offset - position, body)
            position = offset
            if size > 0, let block {
                try account(Int64(size), at: position + Int64(size))
                body(UnsafeRawBufferPointer(start: block, count: size))
                position += Int64(size)
            }
        }
        // A sparse file may end in a hole: the declared size says how long it is.
        if let declared = currentDeclaredSize, declared > position {
            try emitZeros(declared - position, body)
        }
    }

    private func emitZeros(_ count: Int64, _ body: (UnsafeRawBufferPointer) -> Void) throws(StemmaError) {
        var remaining = count
        while remaining > 0 {
            let chunk = Int(min(remaining, Int64(Self.zeros.count)))
            try account(Int64(chunk), at: nil)
            Self.zeros.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<chunk])) }
            remaining -= Int64(chunk)
        }
    }

    private func account(_ count: Int64, at endPosition: Int64?) throws(StemmaError) {
        if let endPosition, let declared = currentDeclaredSize, endPosition > declared {
            throw StemmaError(
                .archive, "'\(path)': '\(currentName)' holds more data than its declared \(declared) bytes")
        }
        totalBytes += count
        guard totalBytes <= limits.maxTotalBytes else {
            throw StemmaError(.limitExceeded, "'\(path)' expands past the limit of \(limits.maxTotalBytes) bytes")
        }
        let (ceiling, overflow) = archiveFileSize.multipliedReportingOverflow(by: limits.maxExpansionRatio)
        if totalBytes > limits.ratioFloorBytes, !overflow, totalBytes > ceiling {
            throw StemmaError(
                .limitExceeded,
                "'\(path)' expands more than \(limits.maxExpansionRatio) times its size (\(archiveFileSize) bytes "
                    + "to over \(totalBytes)); it looks like a decompression bomb")
        }
    }
}
