import StemmaArchive
import StemmaCore
import StemmaCrypto
import StemmaFormats

#if canImport(Glibc)
    import Glibc
#endif

/// The files of a model, wherever they live, and the digests of the byte ranges asked for.
///
/// Folders and single files are listed first and hashed in parallel afterwards, only where needed; an archive
/// can only be read front to back, so it is hashed in the same pass that lists it.
struct ModelContent {
    let location: ModelLocation
    /// Files sorted in `model_signing` order.
    private(set) var files: [ModelFile] = []
    private(set) var findings: [Finding] = []
    private var archiveDigests: [ExactName: [(range: Range<UInt64>, digest: [UInt8])]] = [:]
    private var archiveBytes: Int64 = 0

    /// Lists (and, for an archive, hashes) the model.
    init(
        location: ModelLocation, ignore: IgnoreRules, allowSymlinks: Bool, layout: HashLayout,
        algorithm: DigestAlgorithm,
        archiveLimits: ArchiveLimits, progress: HashProgress?
    ) throws(StemmaError) {
        self.location = location
        switch location {
        case .folder(let folder):
            let listing = try FolderScanner(root: folder, ignore: ignore, allowSymlinks: allowSymlinks).scan()
            files = listing.files
            findings = listing.findings
            findings += NameCollisions.find(files.map(\.name) + listing.ignoredNames).map {
                $0.finding(in: "the model")
            }
        case .file(let path):
            var status = stat()
            guard stat(path, &status) == 0 else { throw StemmaError.io("stat", path, errno: errno) }
            let identity = FileIdentity(status)
            files = [
                ModelFile(
                    name: location.baseName, path: path, size: identity.size,
                    modificationTime: identity.modificationTime, followsLink: true)
            ]
        case .archive(let path):
            let reader = ArchiveModelReader(
                path: path, layout: layout, algorithm: algorithm, allowSymlinks: allowSymlinks, limits: archiveLimits)
            let content = try reader.read(ignore: ignore, progress: progress)
            files = content.sizes.map {
                ModelFile(name: $0.key.string, path: path, size: $0.value, modificationTime: 0, followsLink: false)
            }
            findings = content.findings
            findings += NameCollisions.find(files.map(\.name) + content.ignoredNames).map {
                $0.finding(in: "the model")
            }
            archiveDigests = content.digests
            archiveBytes = content.bytesHashed
        }
        files.sort { ModelPath.precedes($0.name, $1.name) }
    }

    /// One request: a byte range of one file (whole-file when `whole` is set).
    struct Request {
        var file: Int
        var range: Range<UInt64>
        var whole: Bool
    }

    /// Digests for each request, in order, and the bytes read to get them.
    func digests(
        for requests: [Request], algorithm: DigestAlgorithm, progress: HashProgress?
    ) throws(StemmaError) -> (outcomes: [HashOutcome], bytesHashed: Int64) {
        if case .archive = location {
            let outcomes = requests.map { request -> HashOutcome in
                let name = files[request.file].name
                guard let found = archiveDigests[ExactName(name)]?.first(where: { $0.range == request.range }) else {
                    return .failed(changed: false, reason: "has no digest for bytes \(request.range)")
                }
                return .digest(found.digest)
            }
            return (outcomes, archiveBytes)
        }
        let jobs = requests.map { HashJob(target: $0.file, range: $0.whole ? nil : $0.range) }
        let total = requests.reduce(Int64(0)) { $0 + Int64($1.range.count) }
        progress?.setTotal(total)
        let outcomes = try ParallelHasher(algorithm: algorithm).run(
            targets: files.map(\.hashTarget), jobs: jobs, progress: progress)
        return (outcomes, total)
    }
}
