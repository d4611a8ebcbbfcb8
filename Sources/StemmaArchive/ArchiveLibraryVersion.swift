internal import CArchive

/// The libarchive Stemma runs on, for `stemma --version` (the library loaded at run time).
public enum ArchiveLibraryVersion {
    /// `libarchive 3.x.y`.
    public static var current: String { String(cString: archive_version_string()) }
}
