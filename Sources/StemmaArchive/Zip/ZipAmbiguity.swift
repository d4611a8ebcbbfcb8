/// A place where common zip readers (Info-ZIP `unzip`, Python's `zipfile`, miniz in PyTorch, libarchive) could
/// disagree about which names hold which bytes.
///
/// ``ZipArchive`` reads a zip as CPython's `zipfile` does (central directory first) and reports each ambiguity as
/// a value instead of picking a side silently; `stemma verify` fails on every one, `stemma scan` calls the file
/// malformed.
public struct ZipAmbiguity: Sendable, Equatable, CustomStringConvertible {
    /// What the readers could disagree on.
    public enum Kind: String, Sendable, CaseIterable {
        /// A local header and its central-directory entry disagree (name, sizes, method, flags, CRC).
        case localHeader = "local-header"
        /// More than one end-of-central-directory record, or one inside the archive comment.
        case endRecord = "end-record"
        /// Bytes after the end record and its comment.
        case trailingBytes = "trailing-bytes"
        /// The zip64 locator, the zip64 end record and the end record disagree.
        case zip64
        /// The central directory's counts, size, offset or disk numbers disagree with what is there.
        case directory
        /// Two members' bytes overlap, or a member overlaps the central directory.
        case overlap
        /// The central directory lists members in another order than their data lies in.
        case order
        /// Bytes before, between or after members that no record accounts for (a prefix such as a tar).
        case unaccountedBytes = "unaccounted-bytes"
        /// A local header the central directory does not list.
        case unreferencedLocalHeader = "unreferenced-local-header"
        /// The same name (byte for byte) twice.
        case duplicateName = "duplicate-name"
        /// A data descriptor missing, unexpected, or disagreeing with the central directory.
        case dataDescriptor = "data-descriptor"
        /// A name readers decode or place differently (not marked UTF-8, a Unicode path field, a backslash, a
        /// folder by its mode but not by its name).
        case name
        /// The member's data disagrees with its records (CRC, size, where the deflate stream ends).
        case memberData = "member-data"
        /// A symbolic link: unzip makes a link, Python's zipfile a file holding the link's target.
        case link
    }

    /// What the readers could disagree on.
    public var kind: Kind
    /// The member concerned (its name for messages), if one is.
    public var member: String?
    /// A sentence saying what disagrees with what.
    public var detail: String

    /// Creates an ambiguity.
    public init(_ kind: Kind, member: String? = nil, _ detail: String) {
        self.kind = kind
        self.member = member
        self.detail = detail
    }

    public var description: String {
        if let member { return "\(kind.rawValue): '\(member)': \(detail)" }
        return "\(kind.rawValue): \(detail)"
    }
}
