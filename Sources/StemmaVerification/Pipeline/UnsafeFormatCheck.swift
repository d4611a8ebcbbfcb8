import StemmaCore
import StemmaScan

/// The `stemma scan` pass of `verify`: a file that runs code when it is loaded fails verification, even when its
/// signature holds, because a signature proves who published the bytes, not that they are safe to load.
///
/// The scan is never a pass of its own: it reads the bytes that were hashed. In a folder or a single file each hash
/// worker scans the file it has just hashed from the same open descriptor (``fileScan()``), under the same identity
/// check; in an archive the reader feeds each member's bytes to ``memberScan`` as it hashes them, so the archive is
/// decompressed once. Only the files verify hashes are scanned (ignored paths and the signature are not).
struct UnsafeFormatCheck {
    let request: VerifyRequest

    /// The scan of one model file or archive member, given its bytes: the sink a reader hands each file to.
    var memberScan: MemberScan {
        MemberScan(scanner: ModelScanner(extraAllowedGlobals: request.allowedGlobals))
    }

    /// What the hash workers run on each file of a folder or single-file model after hashing it.
    func fileScan() -> FileScan {
        let memberScan = self.memberScan
        return FileScan(
            scan: { input, target in
                memberScan.scan(input, shownAs: target.path, modelFolder: FileSystemPath.folder(of: target.path))
            },
            betweenHashAndScan: request.betweenHashAndScan)
    }

    /// One finding per scanned file that is not safe: the worst scan finding, and how many more.
    /// - Parameter scanned: each file's model-relative name and its scan.
    func findings(scanned: [(name: String, file: ScannedFile)]) -> [Finding] {
        scanned.filter { $0.file.verdict != .safe }.sorted { $0.file.path < $1.file.path }.compactMap {
            let relevant = Self.relevant($0.file.findings)
            return relevant.isEmpty ? nil : finding(name: $0.name, relevant)
        }
    }

    /// The scan findings verify judges. Bytes no loader reads under a model-shaped name (`scan.not-a-model-file`)
    /// keep `stemma scan` from calling them safe; verify asks whether a signed file runs code when loaded, and these
    /// load as nothing, so they are left to `stemma scan` (a signed blob of weights passes, as before the rule).
    private static func relevant(_ findings: [ScanFinding]) -> [ScanFinding] {
        findings.filter { $0.code != .scanNotAModelFile && $0.verdict != .safe }
    }

    private func finding(name: String, _ group: [ScanFinding]) -> Finding {
        let worst = group.max { $0.verdict < $1.verdict }!
        var message = "'\(name)' is \(worst.verdict.rawValue)"
        if !worst.evidence.member.isEmpty { message += " (in \(worst.evidence.member.joined(separator: "!")))" }
        message += ": \(worst.message)"
        if group.count > 1 { message += " (and \(group.count - 1) more; run stemma scan for all)" }
        switch worst.verdict {
        case .dangerous, .malformed:
            let severity: Severity = request.allowUnsafeFormats ? .warning : .error
            return Finding(.scanUnsafeFile, message, path: name, severity: severity)
        case .suspicious, .safe:
            return Finding(.scanSuspiciousFile, message, path: name)
        }
    }
}

/// Verify's scan of one model file or archive member from bytes already read for hashing: what a reader calls for
/// each file it opens, so the scan sees exactly the bytes that were hashed.
///
/// The hash workers call it through ``UnsafeFormatCheck/fileScan()``; the archive readers feed each member's chunks
/// to a ``StreamedMemberScan`` (``streamed(name:declaredSize:)``) as they hash them and ``finish(_:of:)`` it
/// when the member ends. The `(name, result)` pairs go to ``UnsafeFormatCheck/findings(scanned:)``.
struct MemberScan: Sendable {
    let scanner: ModelScanner

    /// Scans `input`.
    /// - Parameters:
    ///   - shownAs: the path the scan names the file by (a path on disk, or `archive!member`).
    ///   - modelFolder: the folder on disk holding the file, for ONNX external data; nil inside an archive.
    func scan(_ input: ScanInput, shownAs: String, modelFolder: String?) -> ScannedFile {
        scanner.scan(input, name: shownAs, modelFolder: modelFolder)
    }

    /// Starts the scan of an archive member whose bytes will arrive in chunks.
    func streamed(name: String, declaredSize: Int64?) -> StreamedMemberScan {
        StreamedMemberScan(name: name, declaredSize: declaredSize.map { Int(clamping: $0) }, limits: scanner.limits)
    }

    /// Scans what a streamed member kept, once it has ended.
    func finish(_ scan: StreamedMemberScan, of archive: String) -> ScannedFile {
        scan.finish(scanner: scanner, archive: archive)
    }
}
