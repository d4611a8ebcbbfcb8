import StemmaArchive
import StemmaCore
import StemmaCrypto
import StemmaScan

/// Reads a model packed in an archive in one streaming pass, hashing every regular entry with the given layout.
///
/// Entry names are normalised and checked; an archive whose entries all sit under one top-level folder is read
/// as that folder. Symbolic links are followed only inside the model
/// and only when allowed; hard links are refused.
struct ArchiveModelReader {
    let path: String
    let layout: HashLayout
    let algorithm: DigestAlgorithm
    let allowSymlinks: Bool
    var limits = ArchiveLimits.standard
    /// Verify's scan of each regular member, fed the bytes as they are hashed (nil: no scan).
    var memberScan: MemberScan? = nil

    /// What the archive holds, keyed by model-relative path.
    struct Content {
        /// File sizes.
        var sizes: [ExactName: UInt64] = [:]
        /// Digests per file, one per range of the layout.
        var digests: [ExactName: [(range: Range<UInt64>, digest: [UInt8])]] = [:]
        /// Names left out by the ignore rules, for the name-collision check (an ignored `.git/x` still lands on
        /// the same file as a signed `.GIT/x` on a case-insensitive file system).
        var ignoredNames: [String] = []
        /// The scan of each file that is not ignored, by model-relative name (with a ``memberScan``).
        var scans: [(name: String, file: ScannedFile)] = []
        var findings: [Finding] = []
        var bytesHashed: Int64 = 0
    }

    /// An entry read, before the shared top folder is stripped and links are resolved (the zip reader too).
    enum Pending {
        case file(size: UInt64, digests: [(range: Range<UInt64>, digest: [UInt8])], scan: ScannedFile?)
        case directory
        case symbolicLink(target: String)
    }

    func read(ignore: IgnoreRules, progress: HashProgress?) throws(StemmaError) -> Content {
        var content = Content()
        var entries: [(path: String, entry: Pending)] = []
        // Zips are read by ZipModelReader (ModelContent dispatches them). Tar headers are read by Stemma's own
        // strict reader, which reports what GNU tar, bsdtar and Python's tarfile would read differently;
        // libarchive only decompresses.
        let reader = try TarReader(path: path, limits: limits)
        try collect(from: reader, into: &content, entries: &entries, progress: progress)
        content.findings += reader.problems.map { Finding(.ambiguousArchive, $0.message, path: $0.member) }
        resolve(entries, into: &content, ignore: ignore)
        return content
    }

    /// Reads every entry, hashing regular files; checks names, duplicates, links and members written through
    /// links for every entry, ignored or not, since an extractor writes them all.
    private func collect(
        from reader: some ArchiveEntrySource, into content: inout Content,
        entries: inout [(path: String, entry: Pending)],
        progress: HashProgress?
    ) throws(StemmaError) {
        var files = Set<ExactName>()
        var folders = Set<ExactName>()
        var links = ArchiveLinkTree()
        var context = try DigestContext(algorithm)
        while let entry = try reader.nextEntry() {
            let normalized: String
            switch entry.path {
            case .failure(.notUTF8):
                content.findings.append(
                    Finding(
                        .nonUTF8Name, "archive entry '\(entry.displayName)' has a name that is not UTF-8",
                        path: entry.displayName))
                continue
            case .failure(let reason):
                content.findings.append(
                    Finding(
                        .unsafeArchiveEntry, "archive entry '\(entry.displayName)' \(reason)", path: entry.displayName))
                continue
            case .success(let name):
                normalized = name
            }
            if normalized.isEmpty { continue }  // the archive root, "./"
            if let link = links.linkAbove(normalized) {
                content.findings.append(
                    Finding(
                        .unsafeArchiveEntry,
                        "archive entry '\(normalized)' lies under '\(link)', which an earlier entry made a link: an "
                            + "extractor would write it through the link", path: normalized))
                continue
            }
            let isFolder = entry.kind == .directory
            let key = ExactName(normalized)
            guard !(isFolder ? files : folders).contains(key), isFolder || files.insert(key).inserted
            else {
                content.findings.append(
                    Finding(
                        .ambiguousArchive,
                        "archive entry '\(normalized)' appears more than once: extractors keep the last copy, which "
                            + "need not be the one hashed", path: normalized))
                continue
            }
            switch entry.kind {
            case .directory:
                folders.insert(key)
                entries.append((normalized, .directory))
            case .regularFile:
                var hasher = RangeHasher(layout: layout)
                var scan = memberScan?.streamed(name: normalized, declaredSize: entry.declaredSize)
                try reader.readData { chunk in
                    hasher.consume(chunk, context: &context)
                    scan?.consume(chunk)
                    progress?.add(chunk.count)
                }
                content.bytesHashed += Int64(hasher.position)
                let scanned = scan.map { memberScan!.finish($0, of: path) }
                entries.append(
                    (normalized, .file(size: hasher.position, digests: hasher.finish(context: &context), scan: scanned))
                )
            case .hardLink(let target):
                // GNU tar links to the target's last copy, Python's tarfile to the copy its index holds, and a
                // link inside an ignored folder can make a later member overwrite a signed file: refused.
                links.addLink(normalized)
                content.findings.append(
                    Finding(
                        .notRegularFile,
                        "archive entry '\(normalized)' is a hard link to '\(target)'; hard links in archives are "
                            + "refused", path: normalized))
            case .symbolicLink(let target):
                links.addLink(normalized)
                entries.append((normalized, .symbolicLink(target: target)))
            case .other:
                content.findings.append(
                    Finding(
                        .notRegularFile, "archive entry '\(normalized)' is not a regular file or folder",
                        path: normalized))
            }
        }
    }

    /// Strips a shared top-level folder, applies ignore rules and resolves links.
    func resolve(_ entries: [(path: String, entry: Pending)], into content: inout Content, ignore: IgnoreRules) {
        let prefix = sharedTopFolder(entries)
        func strip(_ name: String) -> String? {
            guard let prefix else { return name }
            guard name.hasExactPrefix(prefix + "/") else { return nil }
            return String(Substring(name.utf8.dropFirst(prefix.utf8.count + 1)))
        }
        var files: [ExactName: (size: UInt64, digests: [(range: Range<UInt64>, digest: [UInt8])])] = [:]
        for (name, entry) in entries {
            if case .file(let size, let digests, _) = entry, let stripped = strip(name) {
                files[ExactName(stripped)] = (size, digests)
            }
        }
        for (name, entry) in entries {
            guard let stripped = strip(name) else { continue }
            if let root = ignore.root(of: stripped) {
                content.ignoredNames.append(stripped)
                if case .symbolicLink(let target) = entry, !Self.stays(stripped, target: target, under: root) {
                    content.findings.append(
                        Finding(
                            .unsafeArchiveEntry,
                            "ignored entry '\(stripped)' is a symbolic link to '\(target)', outside '\(root)': an "
                                + "extractor would write later entries through it", path: stripped))
                }
                continue
            }
            switch entry {
            case .directory:
                continue
            case .file(let size, let digests, let scan):
                if let scan { content.scans.append((stripped, scan)) }
                content.sizes[ExactName(stripped)] = size
                content.digests[ExactName(stripped)] = digests
            case .symbolicLink(let target):
                guard allowSymlinks else {
                    content.findings.append(
                        Finding(
                            .symlink,
                            "'\(stripped)' is a symbolic link (to '\(target)'), and the signature does not allow links",
                            path: stripped))
                    continue
                }
                guard let resolved = Self.resolveLink(stripped, target: target), let file = files[ExactName(resolved)]
                else {
                    content.findings.append(
                        Finding(
                            .symlinkEscape,
                            "'\(stripped)' is a symbolic link to '\(target)', which is not a file inside the model",
                            path: stripped))
                    continue
                }
                content.sizes[ExactName(stripped)] = file.size
                content.digests[ExactName(stripped)] = file.digests
            }
        }
    }

    /// True when the link at `link` (inside the ignored folder `root`) points inside `root`.
    static func stays(_ link: String, target: String, under root: String) -> Bool {
        guard let resolved = resolveLink(link, target: target) else { return false }
        return resolved.isExactly(root) || resolved.hasExactPrefix(root + "/")
    }

    /// The model-relative path a relative link target names, or nil if it leaves the model or is absolute.
    static func resolveLink(_ link: String, target: String) -> String? {
        guard !target.hasPrefix("/") else { return nil }
        // Split at `/` bytes: a `/` followed by a combining mark is one `Character`.
        var parts = link.utf8.split(separator: UInt8(ascii: "/")).dropLast().map { String(Substring($0)) }
        for component in target.utf8.split(separator: UInt8(ascii: "/")).map(Substring.init)
        where !component.isExactly(".") {
            if component.isExactly("..") {
                guard !parts.isEmpty else { return nil }
                parts.removeLast()
            } else {
                parts.append(String(component))
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "/")
    }

    /// The one top-level folder every entry sits under, if there is one and nothing else is at the top.
    private func sharedTopFolder(_ entries: [(path: String, entry: Pending)]) -> String? {
        var top: Substring?
        for (name, entry) in entries {
            let parts = name.utf8.split(separator: UInt8(ascii: "/")).map(Substring.init)
            guard let first = parts.first else { continue }
            if parts.count == 1, case .directory = entry {
                // the folder's own entry
            } else if parts.count == 1 {
                return nil  // a file at the top level
            }
            if let top, !top.isExactly(first) { return nil }
            top = first
        }
        return top.map(String.init)
    }
}

/// Hashes a byte stream into one digest per range of a layout, as chunks arrive.
struct RangeHasher {
    private let layout: HashLayout
    private(set) var position: UInt64 = 0
    private var shardStart: UInt64 = 0
    private var results: [(range: Range<UInt64>, digest: [UInt8])] = []

    init(layout: HashLayout) {
        self.layout = layout
    }

    mutating func consume(_ chunk: UnsafeRawBufferPointer, context: inout DigestContext) {
        var offset = 0
        while offset < chunk.count {
            var take = chunk.count - offset
            if case .shards(let size) = layout {
                take = Int(min(UInt64(take), shardStart + size - position))
            }
            context.update(UnsafeRawBufferPointer(rebasing: chunk[offset..<(offset + take)]))
            offset += take
            position += UInt64(take)
            if case .shards(let size) = layout, position == shardStart + size {
                results.append((shardStart..<position, context.finalize()))
                shardStart = position
            }
        }
    }

    mutating func finish(context: inout DigestContext) -> [(range: Range<UInt64>, digest: [UInt8])] {
        // The last (short) shard, the whole file, or the single empty range of an empty file.
        if position > shardStart || results.isEmpty {
            results.append((shardStart..<position, context.finalize()))
        } else {
            context.reset()
        }
        return results
    }
}

/// What ``ArchiveModelReader`` needs from an archive: entries in order, and the current entry's bytes.
protocol ArchiveEntrySource: AnyObject {
    func nextEntry() throws(StemmaError) -> ArchiveEntry?
    func readData(_ body: (UnsafeRawBufferPointer) -> Void) throws(StemmaError)
}

extension ArchiveReader: ArchiveEntrySource {}
extension TarReader: ArchiveEntrySource {}
