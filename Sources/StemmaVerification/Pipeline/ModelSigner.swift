public import StemmaCore
import StemmaCrypto
import StemmaFormats

#if canImport(Glibc)
    import Glibc
#endif

/// `stemma sign`: writes an OMS v1.0 signature that `model_signing verify` accepts.
///
/// It follows `model_signing` 1.1 where the spec and the tool differ (resource order by path components, `"."`
/// for a single file, `sha256-sharded-N`, `shard_size` as `N.0`), so the root digest is the one other tools expect.
public enum ModelSigner {
    /// Signs a model.
    /// - Throws: ``StemmaError`` when the model cannot be signed: an unreadable file, a symbolic link without
    ///   `allowSymlinks`, a name that is not UTF-8, an empty model, a key OMS does not allow.
    public static func sign(_ request: SignRequest, progress: HashProgress? = nil) throws(StemmaError) -> SignResult {
        let started = MonotonicClock.seconds()
        let location = try ModelLocation.classify(request.model)
        let signaturePath = request.signature ?? defaultOutput(for: location)
        var existing = stat()
        if !request.overwrite && lstat(signaturePath, &existing) == 0 {
            throw StemmaError(
                .usage, "'\(signaturePath)' already exists: give --force to replace it, or --signature another path")
        }
        let privateKey = try PrivateKey(
            pem: try BoundedFile.read(request.privateKey, maxBytes: 1 << 20), source: request.privateKey)
        guard privateKey.type.isAllowedForModelSigning else {
            throw StemmaError(
                .unsupported,
                "'\(request.privateKey)' is a \(privateKey.type) key; OMS signatures need ECDSA P-256, P-384 or P-521")
        }
        let material = try verificationMaterial(request, privateKey: privateKey)

        var ignored = IgnoreRules.gitDefaults + request.ignorePaths.map { relativeIgnorePath($0, location: location) }
        if let inside = location.relativePathInside(signaturePath) { ignored.append(inside) }
        let ignore = IgnoreRules(ignored)
        let method: SerializationMethod = request.shardSize.map { .shards(size: $0) } ?? .files
        let layout = HashLayout(method)
        let content = try ModelContent(
            location: location, ignore: ignore, allowSymlinks: request.allowSymlinks, layout: layout,
            algorithm: .sha256,
            archiveLimits: request.archiveLimits, progress: progress)
        if let problem = content.findings.first(where: { $0.severity == .error }) {
            throw StemmaError(.malformedInput, "cannot sign '\(request.model)': \(problem.message)")
        }
        guard !content.files.isEmpty else {
            throw StemmaError(.malformedInput, "cannot sign '\(request.model)': it holds no files")
        }

        var requests: [ModelContent.Request] = []
        var names: [String] = []
        let isSingleFile = { if case .file = location { return true } else { return false } }()
        for (index, file) in content.files.enumerated() {
            let path = isSingleFile ? "." : file.name
            for range in layout.ranges(size: file.size) {
                requests.append(ModelContent.Request(file: index, range: range, whole: layout == .whole))
                names.append(
                    layout == .whole ? path : ShardName(path: path, start: range.lowerBound, end: range.upperBound).name
                )
            }
        }
        let (outcomes, bytesHashed) = try content.digests(for: requests, algorithm: .sha256, progress: progress)
        var resources: [ManifestResource] = []
        let algorithmName = ModelManifest.algorithmName(hashType: "sha256", method: method)
        for (index, outcome) in outcomes.enumerated() {
            guard case .digest(let digest) = outcome else {
                if case .failed(_, let reason) = outcome {
                    throw StemmaError(
                        .io, "cannot sign '\(request.model)': '\(content.files[requests[index].file].name)' \(reason)")
                }
                continue
            }
            resources.append(ManifestResource(name: names[index], algorithm: algorithmName, digest: digest))
        }
        // Sorted as model_signing sorts, so the root digest matches what it computes for the same model.
        switch method {
        case .files: resources.sort { ModelPath.precedes($0.name, $1.name) }
        case .shards: resources.sort { ShardName.precedes(ShardName(parsing: $0.name)!, ShardName(parsing: $1.name)!) }
        }
        let manifest = ModelManifest(
            subjectName: location.baseName, rootDigest: try ModelManifest.rootDigest(of: resources), method: method,
            hashType: "sha256", allowSymlinks: request.allowSymlinks, ignorePaths: ignore.paths, resources: resources)
        let payload = manifest.statementBytes()
        let signature = try privateKey.sign(
            DSSE.preAuthenticationEncoding(payloadType: DSSE.inTotoPayloadType, payload: payload))
        let bundle = OMSSignatureBundle(
            material: material, payloadType: DSSE.inTotoPayloadType, payload: payload, signature: signature)
        try AtomicFile.write(bundle.serialized(), to: signaturePath)
        return SignResult(
            signaturePath: signaturePath, rootDigest: Hex.encode(manifest.rootDigest), method: method.name,
            resourceCount: resources.count, fileCount: content.files.count, bytesHashed: bytesHashed,
            seconds: MonotonicClock.seconds() - started)
    }

    private static func verificationMaterial(
        _ request: SignRequest, privateKey: PrivateKey
    ) throws(StemmaError) -> OMSSignatureBundle.VerificationMaterial {
        let publicKey = try privateKey.publicKey()
        guard let leafPath = request.signingCertificate else {
            guard request.certificateChain.isEmpty else {
                throw StemmaError(.usage, "--certificate-chain needs --signing-certificate when signing")
            }
            return .publicKeyHint(publicKey.modelSigningHint())
        }
        let leaf = try Certificate.loadPEM(try BoundedFile.read(leafPath, maxBytes: 1 << 20), source: leafPath)[0]
        guard try leaf.publicKey().derSubjectPublicKeyInfo() == publicKey.derSubjectPublicKeyInfo() else {
            throw StemmaError(
                .malformedInput, "'\(leafPath)' is not the certificate of the key in '\(request.privateKey)'")
        }
        var ders = [leaf.derBytes()]
        for path in request.certificateChain {
            ders += try Certificate.loadPEM(try BoundedFile.read(path, maxBytes: 4 << 20), source: path).map {
                $0.derBytes()
            }
        }
        return .certificateChain(ders)
    }

    private static func defaultOutput(for location: ModelLocation) -> String {
        if case .folder(let folder) = location {
            return (folder.hasSuffix("/") ? String(folder.dropLast()) : folder) + "/model.sig"
        }
        return location.path + ".sig"
    }

    /// `--ignore-paths` may name a path under the model (as model_signing resolves it) or a model-relative one.
    private static func relativeIgnorePath(_ path: String, location: ModelLocation) -> String {
        let root = location.path.hasSuffix("/") ? location.path : location.path + "/"
        var relative = path.hasExactPrefix(root) ? String(Substring(path.utf8.dropFirst(root.utf8.count))) : path
        while relative.hasExactPrefix("./") { relative = String(Substring(relative.utf8.dropFirst(2))) }
        while relative.hasExactSuffix("/") { relative = String(Substring(relative.utf8.dropLast())) }
        return relative
    }
}
