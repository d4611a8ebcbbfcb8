import StemmaCore
import StemmaFormats

/// Matches the files found in a model against the signed manifest: which resources to hash, and which files are
/// missing, unlisted or cut into the wrong shards. Pure: no I/O.
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
        var expected: [String: ManifestResource] = [:]
        for resource in manifest.resources { expected[resource.name] = resource }
        var planned: [Planned] = []
        var findings: [Finding] = []
        var matched = Set<String>()
        let shardsByPath = signedShardCounts()
        for (index, file) in files.enumerated() {
            let resourcePath = resourcePath(for: file.name, expected: expected)
            switch manifest.method {
            case .files:
                if let resource = expected[resourcePath] {
                    matched.insert(resourcePath)
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
                let listed = layout.filter { expected[$0.name] != nil }
                let signedForPath = shardsByPath[resourcePath] ?? 0
                if signedForPath == 0 {
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
                for shard in layout { matched.insert(shard.name) }
                guard listed.count == layout.count, signedForPath == layout.count else {
                    findings.append(
                        Finding(
                            .shardLayoutMismatch,
                            "'\(file.name)' is \(file.size) bytes, which does not match the \(signedForPath) signed shards of it",
                            path: file.name))
                    for resource in manifest.resources where ShardName(parsing: resource.name)?.path == resourcePath {
                        matched.insert(resource.name)
                    }
                    continue
                }
                for shard in layout {
                    planned.append(
                        Planned(file: index, range: shard.start..<shard.end, expected: expected[shard.name]!))
                }
            }
        }
        var missingPaths = Set<String>()
        for resource in manifest.resources where !matched.contains(resource.name) {
            let path: String
            if case .shards = manifest.method, let shard = ShardName(parsing: resource.name) {
                path = shard.path
            } else {
                path = resource.name
            }
            guard missingPaths.insert(path).inserted else { continue }
            let shown = path == "." ? (singleFileBaseName ?? ".") : path
            findings.append(Finding(.missingFile, "'\(shown)' is in the signature but not in the model", path: shown))
        }
        return (planned, findings)
    }

    /// Signed shard count per file path, so partial coverage is noticed.
    private func signedShardCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for resource in manifest.resources {
            if let shard = ShardName(parsing: resource.name) { counts[shard.path, default: 0] += 1 }
        }
        return counts
    }

    /// The name a file has in the manifest: its path, or for a single-file model "." or its base name,
    /// whichever the signature used.
    private func resourcePath(for name: String, expected: [String: ManifestResource]) -> String {
        guard let base = singleFileBaseName else { return name }
        let usesDot = manifest.resources.contains { $0.name == "." || $0.name.hasPrefix(".:") }
        return usesDot ? "." : base
    }
}
