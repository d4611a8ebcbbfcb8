import StemmaArchive
import StemmaCore
import StemmaCrypto

/// Reads a model packed in an archive in one streaming pass, hashing every regular entry with the given layout.
///
/// Entry names are normalised and checked; an archive whose entries all sit under one top-level folder is read
/// as that folder. Hard links take their target's digests; symbolic links are followed only inside the model
/// and only when allowed.
struct ArchiveModelReader {
    let path: String
    let layout: HashLayout
    let algorithm: DigestAlgorithm
    let allowSymlinks: Bool
    var limits = ArchiveLimits.standard

    /// What the archive holds, keyed by model-relative path.
    struct Content {
        /// File sizes.
        var sizes: [ExactName: UInt64] = [:]
        /// Digests per file, one per range of the layout.
        var digests: [ExactName: [(range: Range<UInt64>, digest: [UInt8])]] = [:]
        /// Names left out by the ignore rules, still checked for names that collide with them.
        var ignoredNames: [String] = []
        var findings: [Finding] = []
        var bytesHashed: Int64 = 0
    }

    private enum Pending {
        case file(size: UInt64, digests: [(range: Range<UInt64>, digest: [UInt8])])
        case directory
        case hardLink(target: String)
        case symbolicLink(target: String)
    }

    func read(ignore: IgnoreRules, progress: HashProgress?) throws(StemmaError) -> Content {
        let reader = try ArchiveReader(path: path, limits: limits)
        var entries: [(path: String, entry: Pending)] = []
        var seen = Set<ExactName>()
        var content = Content()
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
            if case .directory = entry.kind {
                entries.append((normalized, .directory))
                continue
            }
            guard seen.insert(ExactName(normalized)).inserted else {
                content.findings.append(
                    Finding(
                        .unsafeArchiveEntry, "archive entry '\(normalized)' appears more than once", path: normalized))
                continue
            }
            switch entry.kind {
            case .regularFile:
                var hasher = RangeHasher(layout: layout)
                try reader.readData { chunk in
                    hasher.consume(chunk, context: &context)
                    progress?.add(chunk.count)
                }
                content.bytesHashed += Int64(hasher.position)
                entries.append((normalized, .file(size: hasher.position, digests: hasher.finish(context: &context))))
            case .hardLink(let target):
                entries.append((normalized, .hardLink(target: target)))
            case .symbolicLink(let target):
                entries.append((normalized, .symbolicLink(target: target)))
            case .directory:
                break
            case .other:
                content.findings.append(
                    Finding(
                        .notRegularFile, "archive entry '\(normalized)' is not a regular file or folder",
                        path: normalized))
            }
        }
        resolve(entries, into: &content, ignore: ignore)
        return content
    }

    /// Strips a shared top-level folder, applies ignore rules and resolves links.
    private func resolve(_ entries: [(path: String, entry: Pending)], into content: inout Content, ignore: IgnoreRules)
    {
        let prefix = sharedTopFolder(entries)
        func strip(_ name: String) -> String? {
            guard let prefix else { return name }
            guard name.hasExactPrefix(prefix + "/") else { return nil }
            return String(Substring(name.utf8.dropFirst(prefix.utf8.count + 1)))
        }
        var files: [ExactName: (size: UInt64, digests: [(range: Range<UInt64>, digest: [UInt8])])] = [:]
        for (name, entry) in entries {
            if case .file(let size, let digests) = entry, let stripped = strip(name) {
                files[ExactName(stripped)] = (size, digests)
            }
        }
        for (name, entry) in entries {
            guard let stripped = strip(name) else { continue }
            guard !ignore.isIgnored(stripped) else {
                content.ignoredNames.append(stripped)
                continue
            }
            switch entry {
            case .directory:
                continue
            case .file(let size, let digests):
                content.sizes[ExactName(stripped)] = size
                content.digests[ExactName(stripped)] = digests
            case .hardLink(let target):
                // Hard link targets are archive-root relative names of earlier entries.
                guard case .success(let normalized) = ArchivePath.normalize(Array(target.utf8)),
                    let strippedTarget = strip(normalized), let file = files[ExactName(strippedTarget)]
                else {
                    content.findings.append(
                        Finding(
                            .unsafeArchiveEntry,
                            "archive entry '\(stripped)' is a hard link to '\(target)', which is not a file in the model",
                            path: stripped))
                    continue
                }
                content.sizes[ExactName(stripped)] = file.size
                content.digests[ExactName(stripped)] = file.digests
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
