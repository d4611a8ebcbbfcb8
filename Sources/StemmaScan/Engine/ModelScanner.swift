public import StemmaCore

/// Scans model files and folders for content that runs code when loaded, by content and never by name, through
/// every container (zip, tar, compressed streams, 7z) down to the pickles, arrays and model formats inside.
///
/// Files are scanned in parallel on all cores; results come back sorted by path, so output is stable.
public struct ModelScanner: Sendable {
    /// The bounds on depth, members, bytes and opcodes.
    public let limits: ScanLimits
    /// Globals to accept in pickles on top of each profile's allowlist (`module.qualname`).
    public let extraAllowedGlobals: Set<String>

    /// Creates a scanner.
    /// - Parameters:
    ///   - limits: the bounds every scan keeps to; reaching one makes the file `malformed` (`scan.incomplete`).
    ///   - extraAllowedGlobals: globals to accept in pickles besides the profile allowlists.
    public init(limits: ScanLimits = .standard, extraAllowedGlobals: Set<String> = []) {
        self.limits = limits
        self.extraAllowedGlobals = extraAllowedGlobals
    }

    /// Scans files and folders (folders recursively, with `opendir`/`readdir`, `.git` skipped; a symbolic link to a
    /// file is scanned through, one to a folder reported and not followed), in parallel on all cores.
    ///
    /// A file given directly keeps its path as given; a file under a folder `D` is reported as `D/rel`.
    /// - Returns: one result per file, sorted by path.
    /// - Throws: ``StemmaError`` `.io` when a given path does not exist or cannot be opened.
    public func scan(paths: [String]) throws(StemmaError) -> [ScannedFile] {
        var collected: [FolderWalk.Job] = []
        var reported: [ScannedFile] = []
        for path in paths {
            let walk = try FolderWalk.collect(path, maxFiles: limits.maxFiles)
            collected += walk.jobs
            reported += walk.reported
        }
        let jobs = collected
        let scanner = self
        let scanned = ParallelMap.map(count: jobs.count) { index in scanner.scan(job: jobs[index]) }
        return (scanned + reported).sorted { $0.path < $1.path }
    }

    /// Scans one file already open; `name` is its display path and `modelFolder` the folder on disk that holds it
    /// (for ONNX external data), nil inside archives.
    public func scan(_ input: ScanInput, name: String, modelFolder: String?) -> ScannedFile {
        scanTraced(input, name: name, modelFolder: modelFolder).file
    }

    /// ``scan(_:name:modelFolder:)`` with the trace of where each input and member went.
    func scanTraced(_ input: ScanInput, name: String, modelFolder: String?) -> (file: ScannedFile, trace: [ScanRoute]) {
        let session = ScanSession(limits: limits, extraAllowedGlobals: extraAllowedGlobals, modelFolder: modelFolder)
        let (format, findings) = session.scan(input, name: name, depth: 0, hint: .none)
        return (ScannedFile(path: name, format: format, findings: findings), session.trace)
    }

    private func scan(job: FolderWalk.Job) -> ScannedFile {
        let input: ScanInput
        do throws(StemmaError) {
            if let raw = job.rawPath {
                input = try ScanInput.open(rawPath: raw, path: job.path)
            } else {
                input = try ScanInput.open(path: job.path)
            }
        } catch {
            return ScannedFile(path: job.display, format: "unreadable", findings: [ScanSession.unreadable(error)])
        }
        return scan(input, name: job.display, modelFolder: job.folder)
    }
}
