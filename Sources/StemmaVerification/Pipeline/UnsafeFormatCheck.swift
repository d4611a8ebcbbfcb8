import StemmaCore
import StemmaScan

/// The `stemma scan` pass of `verify`: a file that runs code when it is loaded fails verification, even when its
/// signature holds, because a signature proves who published the bytes, not that they are safe to load.
///
/// For a folder or a single file the scan is not a pass of its own: each hash worker scans the file it has just
/// hashed from the same open descriptor (``fileScan(_:)``), under the same identity check, so the bytes scanned are
/// the bytes hashed and only the files verify hashes are scanned (ignored paths and the signature are not). Archives
/// are still scanned on a pass of their own (``findings(_:)``) until their reader hands each member to
/// ``memberScan``.
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

    /// One finding per archive member that is not safe, from a scan of the whole archive (its own pass: the archive
    /// is decompressed a second time).
    func findings(_ location: ModelLocation) -> [Finding] {
        let scanned: [ScannedFile]
        do {
            scanned = try memberScan.scanner.scan(paths: [location.path])
        } catch {
            return [Finding(.scanUnreadable, "could not scan '\(location.path)' for unsafe formats: \(error.message)")]
        }
        var findings: [Finding] = []
        for file in scanned where file.verdict != .safe {
            let relevant = Self.relevant(file.findings)
            if relevant.isEmpty { continue }
            var file = file
            file.findings = relevant
            for (name, group) in byMember(file, location: location) {
                findings.append(finding(name: name, group))
            }
        }
        return findings
    }

    /// An archive's findings keyed by the member they belong to.
    private func byMember(_ file: ScannedFile, location: ModelLocation) -> [(String, [ScanFinding])] {
        var groups: [String: [ScanFinding]] = [:]
        var order: [String] = []
        for finding in file.findings {
            let name = finding.evidence.member.first ?? location.baseName
            if groups[name] == nil { order.append(name) }
            var inner = finding
            if !inner.evidence.member.isEmpty { inner.evidence.member.removeFirst() }
            groups[name, default: []].append(inner)
        }
        return order.map { ($0, groups[$0]!) }
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
/// The hash workers call it through ``UnsafeFormatCheck/fileScan()``. An archive reader that hashes a member
/// would call `scan(ScanInput(bytes: member, path: archive), shownAs: "archive!member", modelFolder: nil)` on the
/// bytes it just hashed (or on a ``ScanInput`` over its spooled copy) and give the `(member name, result)` pairs
/// to ``UnsafeFormatCheck/findings(scanned:)``, so the archive is decompressed once.
struct MemberScan: Sendable {
    let scanner: ModelScanner

    /// Scans `input`.
    /// - Parameters:
    ///   - shownAs: the path the scan names the file by (a path on disk, or `archive!member`).
    ///   - modelFolder: the folder on disk holding the file, for ONNX external data; nil inside an archive.
    func scan(_ input: ScanInput, shownAs: String, modelFolder: String?) -> ScannedFile {
        scanner.scan(input, name: shownAs, modelFolder: modelFolder)
    }
}
