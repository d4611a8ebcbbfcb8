import StemmaCore
import StemmaFormats

/// Matches the files found in a model against the signed manifest: which resources to hash, and which files are
/// missing, unlisted or cut into the wrong shards. Pure: no I/O.
///
/// A file matches a resource only when their names' UTF-8 bytes are equal (``ExactName``), as in `model_signing`:
/// a file renamed to another Unicode spelling of a signed name is unlisted, and the signed name is missing.
/// Linear in the number of files and resources.
struct ManifestPlanner {
    /// One resource to compute and compare.
    struct Planned {
        /// Index into the files given to ``plan(files:)``.
        var file: Int
        var range: Range<UInt64>
        var expected: ManifestResource
    }

    let manifest: ModelManifest
    let ignoreUnsignedFiles: Bool
    /// The single file's base name, when the model is one file (the OMS spec names it so; model_signing uses ".").
    let singleFileBaseName: String?

    func plan(files: [(name: String, size: UInt64)]) -> (planned: [Planned], findings: [Finding]) {
        var expected: [ExactName: ManifestResource] = [:]
        for resource in manifest.resources { expected[ExactName(resource.name)] = resource }
        var planned: [Planned] = []
        var findings: [Finding] = []
        var matched = Set<ExactName>()
        let shardsByPath = signedShards()
        let usesDot = manifest.resources.contains { $0.name.isExactly(".") || $0.name.hasExactPrefix(".:") }
        for (index, file) in files.enumerated() {
            let resourcePath = resourcePath(for: file.name, usesDot: usesDot)
            switch manifest.method {
            case .files:
                if let resource = expected[ExactName(resourcePath)] {
                    matched.insert(ExactName(resourcePath))
                    planned.append(Planned(file: index, range: 0..<file.size, expected: resource))
                } else if !ignoreUnsignedFiles {
                    findings.append(
                        Finding(
                            .unlistedFile, "'\(file.name)' is in the model but not in the signature", path: file.name))
                }
            case .shards(let shardSize):
                let layout =
                    file.size == 0
                    ? [ShardName(path: resourcePath, start: 0, end: 0)]
                    : ShardName.layout(path: resourcePath, size: file.size, shardSize: shardSize)
                let listed = layout.filter { expected[ExactName($0.name)] != nil }
                let signedForPath = shardsByPath[ExactName(resourcePath)] ?? []
                if signedForPath.isEmpty {
                    if file.size == 0 {
                        findings.append(
                            Finding(
                                .unlistedEmptyFile,
                                "'\(file.name)' is empty and not covered by the shard signature (model_signing does not sign empty files in shard mode)",
                                path: file.name))
                    } else if !ignoreUnsignedFiles {
                        findings.append(
                            Finding(
                                .unlistedFile, "'\(file.name)' is in the model but not in the signature",
                                path: file.name))
                    }
                    continue
                }
                for shard in layout { matched.insert(ExactName(shard.name)) }
                guard listed.count == layout.count, signedForPath.count == layout.count else {
                    findings.append(
                        Finding(
                            .shardLayoutMismatch,
                            "'\(file.name)' is \(file.size) bytes, which does not match the \(signedForPath.count) signed shards of it",
                            path: file.name))
                    for name in signedForPath { matched.insert(name) }
                    continue
                }
                for shard in layout {
                    planned.append(
                        Planned(file: index, range: shard.start..<shard.end, expected: expected[ExactName(shard.name)]!)
                    )
                }
            }
        }
        var missingPaths = Set<ExactName>()
        for resource in manifest.resources where !matched.contains(ExactName(resource.name)) {
            let path: String
            if case .shards = manifest.method, let shard = ShardName(parsing: resource.name) {
                path = shard.path
            } else {
                path = resource.name
            }
            guard missingPaths.insert(ExactName(path)).inserted else { continue }
            let shown = path.isExactly(".") ? (singleFileBaseName ?? ".") : path
            findings.append(Finding(.missingFile, "'\(shown)' is in the signature but not in the model", path: shown))
        }
        return (planned, findings)
    }

    /// The signed shard names of each file path, so partial coverage is noticed (and, when a file's shards do not
    /// fit, all of them are accounted for without another pass over the manifest).
    private func signedShards() -> [ExactName: [ExactName]] {
        var shards: [ExactName: [ExactName]] = [:]
        for resource in manifest.resources {
            if let shard = ShardName(parsing: resource.name) {
                shards[ExactName(shard.path), default: []].append(ExactName(resource.name))
            }
        }
        return shards
    }

    /// The name a file has in the manifest: its path, or for a single-file model "." or its base name,
    /// whichever the signature used.
    private func resourcePath(for name: String, usesDot: Bool) -> String {
        guard let base = singleFileBaseName else { return name }
        return usesDot ? "." : base
    }
}
