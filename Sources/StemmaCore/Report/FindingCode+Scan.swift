// Codes shared by every part of `stemma scan`. Pickle, container and model-format codes live in their own
// `FindingCode+Pickle.swift`, `FindingCode+Container.swift` and `FindingCode+ModelFormat.swift`.
extension FindingCode {
    public static let scanIncomplete = FindingCode(
        "scan.incomplete", .error, "A scan limit was reached, so the rest of the file is not proven safe.")
    public static let scanMalformed = FindingCode(
        "scan.malformed", .error, "The file could not be parsed completely, so it is not proven safe.")
    public static let scanUnreadable = FindingCode(
        "scan.unreadable", .error, "The file could not be read, so it is not proven safe.")
    public static let scanUnsafeFile = FindingCode(
        "scan.unsafe-file", .error, "A file in the model can run code when it is loaded.")
    public static let scanSuspiciousFile = FindingCode(
        "scan.suspicious-file", .warning,
        "A file in the model holds something outside its loader's allowlist; review it before loading.")

    /// Every `stemma scan` code: shared, pickle, container and model-format.
    public static let scanCodes: [FindingCode] =
        [scanIncomplete, scanMalformed, scanUnreadable, scanUnsafeFile, scanSuspiciousFile] + pickleCodes
        + scanContainerCodes + modelFormatCodes
}
