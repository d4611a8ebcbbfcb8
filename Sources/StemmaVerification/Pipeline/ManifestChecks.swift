import StemmaCore
import StemmaCrypto
import StemmaFormats

/// Checks a signed manifest before any file is touched: supported algorithms, safe and unique names, a root
/// digest that matches the resources. A manifest that fails here is never used to open files.
///
/// Names are compared by their UTF-8 bytes; two names that differ in bytes but unpack onto one file on macOS or
/// Windows (NFC/NFD, NFKC, case) make the manifest ambiguous.
enum ManifestChecks {
    /// The digest algorithm a manifest's `hash_type` names, if Stemma can compute it.
    static func algorithm(for hashType: String) -> DigestAlgorithm? {
        switch hashType {
        case "sha256": return .sha256
        case "blake2b": return .blake2b
        default: return nil
        }
    }

    static func findings(_ manifest: ModelManifest) throws(StemmaError) -> [Finding] {
        var findings: [Finding] = []
        guard let algorithm = algorithm(for: manifest.hashType) else {
            return [
                Finding(
                    .unsupportedAlgorithm,
                    "the signature hashes files with \"\(manifest.hashType)\", which Stemma cannot compute (it supports sha256 and blake2b)"
                )
            ]
        }
        if manifest.resources.isEmpty {
            findings.append(Finding(.emptyModel, "the signature lists no files"))
        }
        for path in manifest.ignorePaths where !ModelPath.isSafeRelative(path) {
            findings.append(
                Finding(
                    .unsafeResourceName, "the signed ignore path \"\(path)\" is not a safe relative path", path: path))
        }
        let expectedAlgorithms: Set<String> = {
            switch manifest.method {
            case .files: return [manifest.hashType]
            // model_signing writes "sha256-sharded-N"; the OMS spec writes the plain hash type.
            case .shards:
                return [
                    ModelManifest.algorithmName(hashType: manifest.hashType, method: manifest.method),
                    manifest.hashType,
                ]
            }
        }()
        var names = Set<ExactName>()
        var paths = NameCollisions()
        var pathsSeen = Set<ExactName>()
        let isSingleFile = manifest.resources.contains { isSingleFileName($0.name) }
        for resource in manifest.resources {
            if !names.insert(ExactName(resource.name)).inserted {
                findings.append(
                    Finding(
                        .duplicateResource, "the signature lists \"\(resource.name)\" more than once",
                        path: resource.name))
            }
            if !expectedAlgorithms.contains(where: resource.algorithm.isExactly) {
                findings.append(
                    Finding(
                        .unsupportedAlgorithm,
                        "\"\(resource.name)\" is hashed with \"\(resource.algorithm)\", which does not match the signature's \(manifest.method.name)/\(manifest.hashType)",
                        path: resource.name))
            }
            if resource.digest.count != algorithm.byteCount {
                findings.append(
                    Finding(
                        .invalidStatement,
                        "\"\(resource.name)\" has a \(resource.digest.count)-byte digest; \(manifest.hashType) gives \(algorithm.byteCount)",
                        path: resource.name))
            }
            if let problem = nameProblem(resource.name, method: manifest.method, isSingleFile: isSingleFile) {
                findings.append(
                    Finding(
                        .unsafeResourceName, "the resource name \"\(resource.name)\" \(problem)", path: resource.name))
            } else {
                var path = resource.name
                if case .shards = manifest.method, let shard = ShardName(parsing: resource.name) { path = shard.path }
                if pathsSeen.insert(ExactName(path)).inserted { paths.add(path) }
            }
        }
        findings += paths.collisions.map { $0.finding(in: "the signature") }
        if isSingleFile, manifest.resources.contains(where: { !isSingleFileName($0.name) }) {
            findings.append(
                Finding(.invalidStatement, "the signature mixes a single-file resource \".\" with other files"))
        }
        let root = try ModelManifest.rootDigest(of: manifest.resources)
        if root != manifest.rootDigest {
            findings.append(
                Finding(
                    .rootDigestMismatch,
                    "the subject digest \(Hex.encode(manifest.rootDigest)) does not match the digests of the listed resources (\(Hex.encode(root)))"
                ))
        }
        return findings
    }

    private static func nameProblem(_ name: String, method: SerializationMethod, isSingleFile: Bool) -> String? {
        var path = name
        if case .shards(let size) = method {
            guard let shard = ShardName(parsing: name) else { return "is not of the form path:start:end" }
            guard shard.end - shard.start <= size else { return "is longer than the shard size \(size)" }
            path = shard.path
        }
        if path.isExactly(".") { return isSingleFile ? nil : "is not allowed here" }
        if path.hasExactPrefix("/") { return "is an absolute path" }
        if ModelPath.components(path).contains(where: { $0.isExactly("..") }) { return "contains '..'" }
        return ModelPath.isSafeRelative(path) ? nil : "is not a safe relative path"
    }

    /// `.` or `.:start:end`: the one resource of a single-file model, as `model_signing` names it.
    private static func isSingleFileName(_ name: String) -> Bool {
        name.isExactly(".") || name.hasExactPrefix(".:")
    }
}
