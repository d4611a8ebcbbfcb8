import StemmaArchive
import StemmaCore
import StemmaCrypto
import StemmaScan

/// Reads a model packed in a `.zip` through StemmaArchive's one zip reader (``ZipArchive``), which reads the zip
/// as unzip, Python's `zipfile` and miniz do, and hashes each member as it streams out of the file (stored or
/// inflated, 256 KiB at a time).
///
/// Every place where those readers could unpack different names or bytes is an `integrity.ambiguous-archive`
/// error naming the ambiguity and the member: a verified zip is one every common reader unpacks to the same
/// files. Names, the shared top folder, ignore rules and links are handled as for tar
/// (``ArchiveModelReader/resolve(_:into:ignore:)``).
struct ZipModelReader {
    let path: String
    let layout: HashLayout
    let algorithm: DigestAlgorithm
    let allowSymlinks: Bool
    var limits = ArchiveLimits.standard
    /// Verify's scan of each regular member, fed the bytes as they are inflated and hashed (nil: no scan).
    var memberScan: MemberScan? = nil

    /// The largest central directory read into memory (a million entries with long names fit).
    static let maxDirectoryBytes = 512 << 20
    /// The longest symbolic-link target read.
    static let maxLinkTarget = 4096

    /// Whether `path` is read by this reader rather than libarchive: by its suffix, as ``ModelLocation`` decides.
    static func reads(_ path: String) -> Bool { path.lowercased().hasSuffix(".zip") }

    func read(ignore: IgnoreRules, progress: HashProgress?) throws(StemmaError) -> ArchiveModelReader.Content {
        let file = try ZipFile(path: path)
        let archive: ZipArchive
        do throws(StemmaError) {
            archive = try ZipArchive.read(
                file, maxMembers: limits.maxEntries, maxDirectoryBytes: Self.maxDirectoryBytes)
        } catch {
            throw StemmaError(error.code, "'\(path)' is not a readable zip: \(error.message)")
        }
        guard !archive.memberLimitReached else {
            throw StemmaError(.limitExceeded, "'\(path)' has more than \(limits.maxEntries) entries")
        }
        try checkExpansion(archive.members, archiveSize: file.count)
        var content = ArchiveModelReader.Content()
        for ambiguity in archive.ambiguities { content.findings.append(finding(ambiguity)) }
        if archive.droppedAmbiguities > 0 {
            content.findings.append(
                Finding(.ambiguousArchive, "'\(path)' has \(archive.droppedAmbiguities) more ambiguities not listed"))
        }
        var entries: [(path: String, entry: ArchiveModelReader.Pending)] = []
        var seen = Set<ExactName>()
        var context = try DigestContext(algorithm)
        for member in archive.members {
            let display = ArchivePath.display(member.rawName)
            let normalized: String
            switch ArchivePath.normalize(member.rawName, maxBytes: limits.maxNameBytes) {
            case .failure(.notUTF8):
                content.findings.append(
                    Finding(.nonUTF8Name, "zip member '\(display)' has a name that is not UTF-8", path: display))
                continue
            case .failure(let reason):
                content.findings.append(
                    Finding(.unsafeArchiveEntry, "zip member '\(display)' \(reason)", path: display))
                continue
            case .success(let name):
                normalized = name
            }
            if normalized.isEmpty { continue }
            if member.isDirectory {
                entries.append((normalized, .directory))
                continue
            }
            guard seen.insert(ExactName(normalized)).inserted else {
                content.findings.append(
                    Finding(.unsafeArchiveEntry, "zip member '\(normalized)' appears more than once", path: normalized))
                continue
            }
            if let pending = try read(
                member, named: normalized, from: file, into: &content, context: &context, progress)
            {
                entries.append((normalized, pending))
            }
        }
        ArchiveModelReader(path: path, layout: layout, algorithm: algorithm, allowSymlinks: allowSymlinks)
            .resolve(entries, into: &content, ignore: ignore)
        return content
    }

    /// Hashes one member (or reads a link's target); nil when it cannot be, with a finding saying why.
    private func read(
        _ member: ZipMember, named name: String, from file: ZipFile, into content: inout ArchiveModelReader.Content,
        context: inout DigestContext, _ progress: HashProgress?
    ) throws(StemmaError) -> ArchiveModelReader.Pending? {
        guard member.unixFileType == 0 || member.unixFileType == 0o100000 || member.isSymbolicLink else {
            content.findings.append(
                Finding(.notRegularFile, "zip member '\(name)' is not a regular file or folder", path: name))
            return nil
        }
        guard member.dataOffset != nil else { return nil }  // the ambiguity says why
        guard !member.isEncrypted, member.method == 0 || member.method == 8 else {
            let why = member.isEncrypted ? "is encrypted" : "uses compression method \(member.method)"
            content.findings.append(
                Finding(.unreadableFile, "zip member '\(name)' \(why), which Stemma does not read", path: name))
            return nil
        }
        if member.isSymbolicLink {
            var target: [UInt8] = []
            let outcome = try ZipMemberReader.stream(member, from: file, maxOutput: Self.maxLinkTarget) { chunk in
                target.append(contentsOf: chunk)
            }
            guard outcome.failure == nil, !outcome.reachedLimit else {
                content.findings.append(
                    Finding(.unreadableFile, "zip member '\(name)' is a link whose target cannot be read", path: name))
                return nil
            }
            return .symbolicLink(target: ArchivePath.display(target))
        }
        var hasher = RangeHasher(layout: layout)
        var scan = memberScan?.streamed(name: name, declaredSize: Int64(member.uncompressedSize))
        // One byte past the declared size shows a stream that runs long; no member inflates further.
        let outcome = try ZipMemberReader.stream(member, from: file, maxOutput: member.uncompressedSize &+ 1) {
            chunk in
            hasher.consume(chunk, context: &context)
            scan?.consume(chunk)
            progress?.add(chunk.count)
        }
        for ambiguity in outcome.ambiguities(for: member) { content.findings.append(finding(ambiguity)) }
        content.bytesHashed += Int64(hasher.position)
        let scanned = scan.map { memberScan!.finish($0, of: path) }
        return .file(size: hasher.position, digests: hasher.finish(context: &context), scan: scanned)
    }

    /// Refuses a zip whose members declare more than the limits allow before inflating any (each member is
    /// inflated to at most its declared size plus one byte, so the declared sizes bound the work).
    private func checkExpansion(_ members: [ZipMember], archiveSize: Int) throws(StemmaError) {
        var total: Int64 = 0
        for member in members {
            total = total &+ Int64(member.uncompressedSize) &+ 1
            guard total >= 0, total <= limits.maxTotalBytes else {
                throw StemmaError(.limitExceeded, "'\(path)' expands past the limit of \(limits.maxTotalBytes) bytes")
            }
        }
        let (ceiling, overflow) = Int64(archiveSize).multipliedReportingOverflow(by: limits.maxExpansionRatio)
        if total > limits.ratioFloorBytes, !overflow, total > ceiling {
            throw StemmaError(
                .limitExceeded,
                "'\(path)' expands more than \(limits.maxExpansionRatio) times its size (\(archiveSize) bytes to "
                    + "over \(total)); it looks like a decompression bomb")
        }
    }

    private func finding(_ ambiguity: ZipAmbiguity) -> Finding {
        Finding(
            .ambiguousArchive,
            "'\(path)' is ambiguous (\(ambiguity.kind.rawValue)): "
                + (ambiguity.member.map { "member '\($0)': " } ?? "") + ambiguity.detail,
            path: ambiguity.member)
    }
}
