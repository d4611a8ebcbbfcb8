/// A stable, dotted identifier for a kind of finding (`integrity.digest-mismatch`).
///
/// Codes are part of Stemma's machine interface: JSON and SARIF output carry them, and CI rules match on them.
/// Never rename one; add a new one instead.
public struct FindingCode: Hashable, Sendable, CustomStringConvertible {
    /// The dotted identifier.
    public let rawValue: String
    /// What the code means, for SARIF rule descriptions and documentation.
    public let summary: String
    /// The severity a finding with this code has unless stated otherwise.
    public let defaultSeverity: Severity

    /// Internal so that each area declares its codes in its own `FindingCode+Area.swift` file of this module.
    init(_ rawValue: String, _ defaultSeverity: Severity, _ summary: String) {
        self.rawValue = rawValue
        self.defaultSeverity = defaultSeverity
        self.summary = summary
    }

    public var description: String { rawValue }
    public static func == (lhs: FindingCode, rhs: FindingCode) -> Bool { lhs.rawValue == rhs.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    // MARK: integrity: the bytes on disk against the signed manifest

    public static let digestMismatch = FindingCode(
        "integrity.digest-mismatch", .error, "A file's digest differs from the signed digest.")
    public static let missingFile = FindingCode(
        "integrity.missing-file", .error, "A signed file is not in the model.")
    public static let unlistedFile = FindingCode(
        "integrity.unlisted-file", .error, "A file in the model is not covered by the signature.")
    public static let unlistedEmptyFile = FindingCode(
        "integrity.unlisted-empty-file", .warning,
        "An empty file is not covered by a shard signature (model_signing drops empty files in shard mode).")
    public static let fileChanged = FindingCode(
        "integrity.file-changed", .error, "A file changed size or content while it was being hashed.")
    public static let shardLayoutMismatch = FindingCode(
        "integrity.shard-layout-mismatch", .error, "A file's size does not match the signed shard ranges.")
    public static let unreadableFile = FindingCode(
        "integrity.unreadable-file", .error, "A file could not be read, so its digest is not proven.")
    public static let ambiguousName = FindingCode(
        "integrity.ambiguous-name", .error,
        "Two names differ in bytes but unpack onto one file on macOS or Windows (NFC/NFD, NFKC or case).")

    // MARK: manifest: the signed statement itself

    public static let rootDigestMismatch = FindingCode(
        "manifest.root-digest-mismatch", .error,
        "The statement's subject digest does not match the digests of its resources.")
    public static let duplicateResource = FindingCode(
        "manifest.duplicate-resource", .error, "The signed manifest names the same resource twice.")
    public static let unsafeResourceName = FindingCode(
        "manifest.unsafe-name", .error, "A resource name is absolute, contains '..' or is otherwise unsafe.")
    public static let unsupportedAlgorithm = FindingCode(
        "manifest.unsupported-algorithm", .error, "The signature uses a hash algorithm Stemma cannot compute.")
    public static let invalidStatement = FindingCode(
        "manifest.invalid-statement", .error, "The signed payload is not a well-formed OMS in-toto statement.")
    public static let emptyModel = FindingCode(
        "manifest.empty-model", .error, "The model has no files, so there is nothing to verify.")

    // MARK: signature: who signed, and whether the signature holds

    public static let signatureInvalid = FindingCode(
        "signature.invalid", .error, "The signature does not verify over the payload.")
    public static let keyMismatch = FindingCode(
        "signature.key-mismatch", .error, "None of the trusted keys is the key that signed.")
    public static let untrustedCertificate = FindingCode(
        "signature.untrusted-certificate", .error, "The signing certificate does not chain to a trusted root.")
    public static let certificateUsage = FindingCode(
        "signature.certificate-usage", .error, "The signing certificate is not allowed to make digital signatures.")
    public static let unsupportedKey = FindingCode(
        "signature.unsupported-key", .error, "The key type is not one the format allows.")
    public static let ambiguousMaterial = FindingCode(
        "signature.ambiguous-material", .error,
        "The bundle carries more than one kind of verification material (a public key and a certificate chain).")
    public static let payloadType = FindingCode(
        "signature.payload-type", .error, "The DSSE payload type is not application/vnd.in-toto+json.")
    public static let signerNotAllowed = FindingCode(
        "policy.signer-not-allowed", .error, "The signer is trusted, but not for this model.")

    // MARK: paths: what the file system holds

    public static let symlink = FindingCode(
        "path.symlink", .error, "A symbolic link, and the signature does not allow them.")
    public static let symlinkEscape = FindingCode(
        "path.symlink-escape", .error, "A symbolic link points outside the model.")
    public static let notRegularFile = FindingCode(
        "path.not-regular-file", .error, "An entry is neither a regular file nor a folder (a FIFO, socket, device).")
    public static let nonUTF8Name = FindingCode(
        "path.non-utf8-name", .error, "A file name is not valid UTF-8, so it cannot be matched against a signature.")
    public static let unsafeArchiveEntry = FindingCode(
        "path.unsafe-archive-entry", .error, "An archive entry is absolute, contains '..' or escapes the model.")

    /// Every code, for documentation and SARIF rule tables.
    public static let all: [FindingCode] =
        [
            digestMismatch, missingFile, unlistedFile, unlistedEmptyFile, fileChanged, shardLayoutMismatch,
            unreadableFile, ambiguousName, rootDigestMismatch, duplicateResource, unsafeResourceName,
            unsupportedAlgorithm,
            invalidStatement, emptyModel, signatureInvalid, keyMismatch, untrustedCertificate, certificateUsage,
            unsupportedKey, ambiguousMaterial, payloadType, signerNotAllowed, symlink, symlinkEscape, notRegularFile,
            nonUTF8Name,
            unsafeArchiveEntry,
        ] + scanCodes
}
