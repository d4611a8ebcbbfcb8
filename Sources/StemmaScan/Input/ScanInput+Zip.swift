public import StemmaArchive

/// The zip reader reads a scan input in place: a file with `pread`, a slice, or a member in memory.
extension ScanInput: ZipByteSource {}
