public import StemmaCore
import StemmaCrypto
import StemmaFormats
import StemmaScan

#if canImport(Glibc)
    import Glibc
#endif

/// `stemma verify`: proves a model folder, file or archive is exactly what a trusted OMS signature says.
///
/// Order matters for safety: the signature is checked before the manifest is believed, and the manifest is
/// checked (names, algorithms, root digest) before any file it names is opened. Every failed check becomes a
/// finding; only "could not do the job" throws.
public enum ModelVerifier {
    /// Verifies a model.
    /// - Parameters:
    ///   - request: what to verify against which trust.
    ///   - progress: updated as bytes are hashed, for a progress line.
    /// - Returns: the report; its verdict is `verified` only if nothing failed and a trusted signer was found.
    /// - Throws: ``StemmaError`` when the job cannot be done (unreadable or malformed input, bad trust files).
    public static func verify(_ request: VerifyRequest, progress: HashProgress? = nil) throws(StemmaError)
        -> VerifyReport
    {
        let started = MonotonicClock.seconds()
        let location = try ModelLocation.classify(request.model)
        let signaturePath = try signaturePath(for: request, location: location)
        var report = VerifyReport(model: request.model, signature: signaturePath)
        let unsafeFormats = request.scanFormats ? UnsafeFormatCheck(request: request) : nil
        // One pass: each file is scanned from the bytes hashed (the worker's open descriptor, or an archive
        // member's bytes as they stream past the hasher).
        let scanned = try check(request, location: location, into: &report, progress: progress, scan: unsafeFormats)
        if let unsafeFormats { report.add(contentsOf: unsafeFormats.findings(scanned: scanned)) }
        report.seconds = MonotonicClock.seconds() - started
        return report
    }

    /// Checks the signature, the manifest and every file; returns the scans the hash workers ran (with `scan`).
    @discardableResult
    private static func check(
        _ request: VerifyRequest, location: ModelLocation, into report: inout VerifyReport, progress: HashProgress?,
        scan unsafeFormats: UnsafeFormatCheck?
    ) throws(StemmaError) -> [(name: String, file: ScannedFile)] {
        let signaturePath = report.signature
        let bundle = try OMSSignatureBundle.parse(try BoundedFile.read(signaturePath), source: signaturePath)
        let signers = try request.trust.signers()

        let candidates: [(identity: SignerIdentity, signer: TrustedSigner)]
        switch try SignatureCheck(bundle: bundle, signers: signers).run() {
        case .rejected(let findings):
            report.add(contentsOf: findings)
            return []
        case .trusted(let verified):
            candidates = verified
            report.signer = verified[0].identity
        }

        let manifest: ModelManifest
        do throws(StemmaError) {
            manifest = try ModelManifest.parse(statement: bundle.payload, source: signaturePath)
        } catch {
            report.add(Finding(.invalidStatement, "the signed payload is not a valid OMS statement: \(error.message)"))
            return []
        }
        report.rootDigest = Hex.encode(manifest.rootDigest)
        report.method = manifest.method.name
        report.hashType = manifest.hashType
        report.counts.resourcesSigned = manifest.resources.count
        if let allowed = candidates.first(where: { $0.signer.allows(model: manifest.subjectName) }) {
            report.signer = allowed.identity
        } else {
            let signer = candidates[0].signer
            report.add(
                Finding(
                    .signerNotAllowed,
                    "\(signer.name) is trusted, but not to sign \"\(manifest.subjectName)\" (allowed: \(signer.models.joined(separator: ", ")))"
                ))
        }
        let manifestFindings = try ManifestChecks.findings(manifest)
        report.add(contentsOf: manifestFindings)
        guard !manifestFindings.contains(where: { $0.severity == .error }),
            let algorithm = ManifestChecks.algorithm(for: manifest.hashType)
        else { return [] }

        var ignored = IgnoreRules.gitDefaults + manifest.ignorePaths + request.ignorePaths
        if let inside = location.relativePathInside(signaturePath) { ignored.append(inside) }
        let layout = HashLayout(manifest.method)
        let content = try ModelContent(
            location: location, ignore: IgnoreRules(ignored), allowSymlinks: manifest.allowSymlinks, layout: layout,
            algorithm: algorithm, archiveLimits: request.archiveLimits, progress: progress,
            memberScan: unsafeFormats?.memberScan)
        report.add(contentsOf: content.findings)
        report.counts.filesFound = content.files.count

        let singleFileName: String? = if case .file = location { location.baseName } else { nil }
        let planner = ManifestPlanner(
            manifest: manifest, ignoreUnsignedFiles: request.ignoreUnsignedFiles, singleFileBaseName: singleFileName)
        let plan = planner.plan(files: content.files.map { ($0.name, $0.size) })
        report.add(contentsOf: plan.findings)

        let requests = plan.planned.map {
            ModelContent.Request(file: $0.file, range: $0.range, whole: layout == .whole)
        }
        let (results, bytesHashed) = try content.hash(
            requests, algorithm: algorithm, progress: progress, scan: unsafeFormats?.fileScan())
        report.counts.bytesHashed = bytesHashed
        var scanned = content.archiveScans
        for (planned, result) in zip(plan.planned, results) {
            let name = content.files[planned.file].name
            if let file = result.scan { scanned.append((name, file)) }
            switch result.outcome {
            case .digest(let digest) where digest == planned.expected.digest:
                continue
            case .digest(let digest):
                report.add(
                    Finding(
                        .digestMismatch,
                        "'\(planned.expected.name)' has \(manifest.hashType) \(Hex.encode(digest)), but the signature says \(Hex.encode(planned.expected.digest))",
                        path: name))
            case .failed(let changed, let reason):
                report.add(Finding(changed ? .fileChanged : .unreadableFile, "'\(name)' \(reason)", path: name))
            }
        }
        if content.files.isEmpty && manifest.resources.isEmpty {
            report.add(Finding(.emptyModel, "'\(request.model)' holds no files to verify"))
        }
        return scanned
    }

    private static func signaturePath(for request: VerifyRequest, location: ModelLocation) throws(StemmaError) -> String
    {
        if let given = request.signature { return given }
        let candidates = location.defaultSignature()
        guard let found = candidates.first(where: ModelLocation.exists) else {
            throw StemmaError(
                .usage,
                "no signature given and none found for '\(request.model)' (looked for \(candidates.joined(separator: ", "))); pass --signature"
            )
        }
        return found
    }

}
