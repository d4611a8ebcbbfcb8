// Codes for archives that common readers could unpack differently: `stemma verify` fails on them.
extension FindingCode {
    public static let ambiguousArchive = FindingCode(
        "integrity.ambiguous-archive", .error,
        "Common readers of the archive (unzip, Python's zipfile, miniz, GNU tar, libarchive) could unpack different "
            + "names or bytes from it, so the bytes verified are not proven to be the bytes a loader gets.")

    /// The ambiguity codes, for `FindingCode.all` and SARIF rule tables.
    public static let archiveAmbiguityCodes: [FindingCode] = [ambiguousArchive]
}
