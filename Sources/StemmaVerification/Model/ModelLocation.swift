public import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// What a model path on the command line is: a folder, a single file, or an archive to read as a stream.
public enum ModelLocation: Sendable, Equatable {
    case folder(String)
    case file(String)
    case archive(String)

    /// Archive types by file name. A single-file model such as a PyTorch `.pt` is itself a zip, so the name, not
    /// the content, decides: only these suffixes are opened as archives.
    static let archiveSuffixes = [
        ".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.zst", ".tzst", ".tar.bz2", ".zip",
    ]

    /// Classifies `path`.
    /// - Throws: ``StemmaError`` `.io` when it does not exist or is neither a folder nor a regular file.
    public static func classify(_ path: String) throws(StemmaError) -> ModelLocation {
        var status = stat()
        guard stat(path, &status) == 0 else { throw StemmaError.io("find the model", path, errno: errno) }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            return .folder(path)
        case S_IFREG:
            let lowered = path.lowercased()
            return archiveSuffixes.contains(where: { lowered.hasSuffix($0) }) ? .archive(path) : .file(path)
        default:
            throw StemmaError(
                .io, "'\(path)' is \(RegularFile.kind(of: status.st_mode)), neither a folder nor a regular file")
        }
    }

    /// The path as given.
    public var path: String {
        switch self {
        case .folder(let path), .file(let path), .archive(let path): return path
        }
    }

    /// The model's name as `model_signing` records it: the folder's or file's base name (archives without their
    /// suffix, since they stand for the folder inside).
    var baseName: String {
        var name = String(path.split(separator: "/").last ?? Substring(path))
        if case .archive = self {
            let lowered = name.lowercased()
            if let suffix = Self.archiveSuffixes.first(where: { lowered.hasSuffix($0) }) {
                name = String(name.dropLast(suffix.count))
            }
        }
        return name
    }

    /// The signature file's path relative to the model folder, when it lies inside it (so it is never hashed).
    func relativePathInside(_ signaturePath: String) -> String? {
        guard case .folder(let folder) = self, let root = FileSystemPath.resolved(folder) else { return nil }
        // The signature may not exist yet (signing): resolve its folder instead.
        let parent = signaturePath.contains("/") ? String(signaturePath[..<signaturePath.lastIndex(of: "/")!]) : "."
        guard let parentReal = FileSystemPath.resolved(parent.isEmpty ? "/" : parent) else { return nil }
        let full = parentReal + "/" + String(signaturePath.split(separator: "/").last ?? "")
        // Bytes, not `String.hasPrefix`, which would take a canonically equivalent folder for the model.
        guard full.hasExactPrefix(root + "/") else { return nil }
        return String(Substring(full.utf8.dropFirst(root.utf8.count + 1)))
    }

    /// The signature to use when none is given: `PATH/model.sig` (folder), `PATH.sig`, or `model.sig` beside PATH.
    func defaultSignature() -> [String] {
        var candidates: [String] = []
        if case .folder(let folder) = self { candidates.append(folder + "/model.sig") }
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        candidates.append(trimmed + ".sig")
        let parent = trimmed.contains("/") ? String(trimmed[..<trimmed.lastIndex(of: "/")!]) : "."
        candidates.append((parent.isEmpty ? "" : parent) + "/model.sig")
        return candidates
    }

    static func exists(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0
    }
}
