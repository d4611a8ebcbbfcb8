public import StemmaCore
public import StemmaGraph

#if canImport(Glibc)
    import Glibc
#endif

/// The checks that make a run fail loudly rather than answer from nothing: every path named on the command line
/// exists and can be read, and every inventory path gave the graph something.
///
/// A CI job that points `--inventory` at a mistyped folder must not get "0 agents affected" and exit 0: no input
/// that was not read may end in a clean answer.
public enum InventoryInputs {
    /// What the inventory reader recognises, for messages that tell a user what to point Stemma at.
    public static let recognisedFormats =
        "Stemma reads stemma.yaml manifests, Hugging Face model and dataset cards and hub caches, GGUF and "
        + "safetensors headers, CycloneDX JSON BOMs, requirements*.txt (pip freeze or with hashes), pylock.toml, "
        + "uv.lock, poetry.lock, A2A agent cards, MCP client configs, Croissant JSON-LD and OMS signatures"

    /// Throws unless each path exists and is a folder Stemma can list or a regular file it can read.
    /// - Parameters:
    ///   - paths: the paths as given.
    ///   - option: the option that named them (`--inventory`), for the message.
    ///   - foldersAllowed: whether a folder is acceptable (not for `--revoked`).
    /// - Throws: ``StemmaError`` (`io`) naming the first path that is missing, unreadable or of another kind.
    public static func requireReadable(_ paths: [String], option: String, foldersAllowed: Bool = true)
        throws(StemmaError)
    {
        for path in paths {
            var status = stat()
            guard stat(path, &status) == 0 else {
                throw StemmaError(.io, "\(option) '\(path)' cannot be read: \(SystemCallError(errno: errno))")
            }
            switch status.st_mode & S_IFMT {
            case S_IFDIR where foldersAllowed:
                guard let directory = opendir(path) else {
                    throw StemmaError(.io, "\(option) '\(path)' cannot be read: \(SystemCallError(errno: errno))")
                }
                closedir(directory)
            case S_IFREG:
                guard access(path, R_OK) == 0 else {
                    throw StemmaError(.io, "\(option) '\(path)' cannot be read: \(SystemCallError(errno: errno))")
                }
            default:
                let wanted = foldersAllowed ? "a file or a folder" : "a file"
                throw StemmaError(
                    .io, "\(option) '\(path)' is \(RegularFile.kind(of: UInt32(status.st_mode))), not \(wanted)")
            }
        }
    }

    /// Throws when an inventory path gave the graph nothing: no file under it was recognised, or every file
    /// recognised was unreadable or malformed.
    ///
    /// Each path is checked on its own (a mistyped second `--inventory` is as wrong as a mistyped only one), by
    /// looking for a node whose source document lies under it; O(nodes × sources × paths), paths being few.
    /// - Throws: ``StemmaError`` (`malformedInput`) naming the path and saying what Stemma reads.
    public static func requireRecognised(_ result: Inventory.Result, paths: [String]) throws(StemmaError) {
        var unrecognised = Set(paths.map(normalised))
        for node in result.graph.nodes where !unrecognised.isEmpty {
            for source in node.sources {
                while let root = unrecognised.first(where: { source == $0 || source.hasPrefix($0 + "/") }) {
                    unrecognised.remove(root)
                }
            }
        }
        guard let first = paths.first(where: { unrecognised.contains(normalised($0)) }) else { return }
        var message = "nothing in --inventory '\(first)' was recognised and read"
        if result.filesSeen == 0 && paths.count == 1 {
            message += " (it holds no files)"
        } else {
            let noted = result.warnings.filter { $0.source == first || $0.source.hasPrefix(normalised(first) + "/") }
            if let warning = noted.first { message += " (\(warning.description)\(noted.count > 1 ? ", …" : ""))" }
        }
        throw StemmaError(.malformedInput, message + ". " + recognisedFormats + ".")
    }

    /// Throws when an input was recognised but not read in full because it crossed one of Stemma's bounds (a
    /// document over the size limit, a YAML tree over its node bound, a folder nested too deep, more files than
    /// the walk takes): an answer without it could miss a dependency and call an affected agent unaffected.
    ///
    /// Malformed files stay warnings (they are not what they claim to be, and the rest is answered); only a
    /// bound that Stemma itself sets ends the run, since the input may be perfectly valid.
    /// - Parameter warnings: the warnings of the inventory (and advisories) read.
    /// - Throws: ``StemmaError`` (`limitExceeded`) naming the first such file, its limit, and how many more.
    public static func requireComplete(_ warnings: [InventoryWarning]) throws(StemmaError) {
        let incomplete = warnings.filter(\.isIncomplete)
        guard let first = incomplete.first else { return }
        let more = incomplete.count > 1 ? " (and \(incomplete.count - 1) more input(s) not read in full)" : ""
        throw StemmaError(
            .limitExceeded,
            "'\(first.source)' was not read in full: \(first.message)\(more). An answer without it could miss a "
                + "dependency, so none is given; remove the file from the inventory or split it")
    }

    /// A path without its trailing slashes, as the walker spells the files under it.
    private static func normalised(_ path: String) -> String {
        var path = Substring(path)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
