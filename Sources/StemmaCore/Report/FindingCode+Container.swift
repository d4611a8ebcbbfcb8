// Codes for what `stemma scan` finds in the containers around model files: zip, tar, compressed streams, 7z.
extension FindingCode {
    public static let scanContainerAnomaly = FindingCode(
        "scan.container-anomaly", .error,
        "An archive's structure disagrees with itself (names, sizes or methods differ between its records, a member "
            + "name repeats, a second end record, bytes no record accounts for), so common readers (unzip, Python's "
            + "zipfile, miniz, libarchive) could unpack different names or bytes: the file is at least malformed.")
    public static let scanContainerIntegrity = FindingCode(
        "scan.container-integrity", .warning, "An archive member's CRC does not match its bytes.")
    public static let scanUnsafeMemberPath = FindingCode(
        "scan.unsafe-member-path", .warning, "An archive member's path is absolute or climbs out with '..'.")
    public static let scanArchiveLink = FindingCode(
        "scan.archive-link", .warning, "An archive holds a symbolic or hard link, or a folder holds a symbolic link.")
    public static let scanUnscannableMember = FindingCode(
        "scan.unscannable-member", .error,
        "An archive member is encrypted or compressed with a method Stemma cannot read, so it is not proven safe.")
    public static let scanTorchScriptCode = FindingCode(
        "scan.torchscript-code", .warning, "A PyTorch archive holds TorchScript code, which runs on torch.jit.load.")
    public static let scanNonstandardContainer = FindingCode(
        "scan.nonstandard-container", .warning,
        "Model weights are wrapped in a container their loaders do not use (7z, rar), a known way to hide them.")

    /// The container codes, for `FindingCode.all` and SARIF rule tables.
    public static let scanContainerCodes: [FindingCode] = [
        scanContainerAnomaly, scanContainerIntegrity, scanUnsafeMemberPath, scanArchiveLink, scanUnscannableMember,
        scanTorchScriptCode, scanNonstandardContainer,
    ]
}
