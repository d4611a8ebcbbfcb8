import StemmaCore
import StemmaScan

/// The `stemma scan` pass of `verify`: a file that runs code when it is loaded fails verification, even when its
/// signature holds, because a signature proves who published the bytes, not that they are safe to load.
struct UnsafeFormatCheck {
    let request: VerifyRequest
    let signaturePath: String

    /// One finding per file (or archive member) that is not safe: the worst scan finding, and how many more.
    func findings(_ location: ModelLocation) -> [Finding] {
        let scanner = ModelScanner(extraAllowedGlobals: request.allowedGlobals)
        let scanned: [ScannedFile]
        do {
            scanned = try scanner.scan(paths: [location.path])
        } catch {
            return [Finding(.scanUnreadable, "could not scan '\(location.path)' for unsafe formats: \(error.message)")]
        }
        var findings: [Finding] = []
        for var file in scanned where file.verdict != .safe {
            if case .folder = location, file.path == signaturePath { continue }
            // Bytes no loader reads under a model-shaped name (`scan.not-a-model-file`) keep `stemma scan` from
            // calling them safe; verify asks whether a signed file runs code when loaded, and these load as
            // nothing, so they are left to `stemma scan` (as before the rule, a signed blob of weights passes).
            file.findings.removeAll { $0.code == .scanNotAModelFile }
            if file.findings.isEmpty { continue }
            for (name, group) in byModelFile(file, location: location) {
                findings.append(finding(name: name, group))
            }
        }
        return findings
    }

    /// The file's findings keyed by the model-relative name they belong to: an archive's findings by member.
    private func byModelFile(_ file: ScannedFile, location: ModelLocation) -> [(String, [ScanFinding])] {
        switch location {
        case .folder(let folder):
            let root = folder.hasSuffix("/") ? folder : folder + "/"
            let name = file.path.hasPrefix(root) ? String(file.path.dropFirst(root.count)) : file.path
            return [(name, file.findings)]
        case .file:
            return [(location.baseName, file.findings)]
        case .archive:
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
