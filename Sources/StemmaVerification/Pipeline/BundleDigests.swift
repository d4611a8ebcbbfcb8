import StemmaArchive
public import StemmaCore
import StemmaCrypto

/// One file of a model bundle with the SHA-256 Stemma computed from its bytes.
public struct BundleFile: Sendable, Equatable {
    /// The bundle-relative path (`weights/model.safetensors`).
    public var name: String
    public var size: UInt64
    /// Lowercase hex SHA-256 of the whole file.
    public var sha256: String
}

/// Lists and hashes every file of a bundle, for evidence that is proven rather than declared (`stemma bom BUNDLE`).
public enum BundleDigests {
    /// Hashes every file of a model folder, single file or archive with SHA-256 on every core.
    ///
    /// The files are the ones `stemma sign` would sign: git metadata and a `model.sig` inside the folder are left
    /// out, and symbolic links are refused, since a link's target is not part of what the bundle proves.
    /// - Returns: the files in `model_signing` order.
    /// - Throws: ``StemmaError`` when the bundle cannot be listed or a file cannot be read, naming it.
    public static func compute(_ model: String, progress: HashProgress? = nil) throws(StemmaError) -> [BundleFile] {
        let location = try ModelLocation.classify(model)
        var ignored = IgnoreRules.gitDefaults
        if case .folder(let folder) = location,
            let inside = location.relativePathInside((folder.hasSuffix("/") ? folder : folder + "/") + "model.sig")
        {
            ignored.append(inside)
        }
        let content = try ModelContent(
            location: location, ignore: IgnoreRules(ignored), allowSymlinks: false, layout: .whole,
            algorithm: .sha256, archiveLimits: .standard, progress: progress)
        if let problem = content.findings.first(where: { $0.severity == .error }) {
            throw StemmaError(.malformedInput, "cannot read the bundle '\(model)': \(problem.message)")
        }
        let requests = content.files.indices.map { index in
            ModelContent.Request(file: index, range: 0..<content.files[index].size, whole: true)
        }
        let (outcomes, _) = try content.digests(for: requests, algorithm: .sha256, progress: progress)
        var files: [BundleFile] = []
        for (file, outcome) in zip(content.files, outcomes) {
            switch outcome {
            case .digest(let digest):
                files.append(BundleFile(name: file.name, size: file.size, sha256: Hex.encode(digest)))
            case .failed(_, let reason):
                throw StemmaError(.io, "cannot hash '\(file.name)' in '\(model)': \(reason)")
            }
        }
        return files
    }
}
