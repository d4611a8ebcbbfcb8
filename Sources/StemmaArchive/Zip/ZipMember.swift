/// One member of a zip as its central directory records it, with where its data starts once the local header
/// has been read.
public struct ZipMember: Sendable {
    /// The name's bytes exactly as the central directory stores them.
    public var rawName: [UInt8]
    /// The name decoded as UTF-8 for messages and routing (invalid bytes replaced).
    public var name: String
    /// "Version made by": the high byte is the host system (3 = Unix, whose mode bits the external attributes hold).
    public var versionMadeBy: UInt16
    /// General-purpose flags (bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8 name).
    public var flags: UInt16
    /// Compression method (0 stored, 8 deflate).
    public var method: UInt16
    /// The CRC-32 of the uncompressed bytes.
    public var crc: UInt32
    /// Bytes of (compressed) data, zip64 extra applied.
    public var compressedSize: Int
    /// Bytes once uncompressed, zip64 extra applied.
    public var uncompressedSize: Int
    /// Where the local header starts in the source (any prefix already added, as CPython adds it).
    public var localHeaderOffset: Int
    /// External attributes: Unix mode bits in the high half when the host is Unix.
    public var externalAttributes: UInt32
    /// Where the member's data starts in the source, or nil when there is no readable local header.
    public var dataOffset: Int?

    /// The name ends in `/`: unzip, zipfile and miniz all make a folder of it.
    public var isDirectory: Bool { rawName.last == UInt8(ascii: "/") }
    /// Bit 0: the data is encrypted (or claims to be).
    public var isEncrypted: Bool { flags & 1 != 0 }
    /// Bit 3: sizes and CRC follow the data in a data descriptor.
    public var hasDataDescriptor: Bool { flags & 8 != 0 }
    /// Bit 11: the name is UTF-8 (otherwise CP437, which is how Python's zipfile decodes it).
    public var hasUTF8Name: Bool { flags & 0x800 != 0 }
    /// The file type from the Unix mode bits (`0o170000` mask), 0 when none is recorded.
    public var unixFileType: UInt32 { (externalAttributes >> 16) & 0o170000 }
    /// Unix mode bits say "symbolic link"; unzip makes a link of it, Python's zipfile a file holding the target.
    public var isSymbolicLink: Bool { unixFileType == 0o120000 }
}
