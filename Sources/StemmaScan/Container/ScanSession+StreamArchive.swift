import StemmaCore

extension ScanSession {
    /// Members of a legacy (`torch.save` before 1.6, tar) checkpoint: all of them are pickles, some followed by
    /// raw storage bytes.
    private static let legacyTorchTarMembers: Set<String> = ["sys_info", "pickle", "storages", "tensors"]

    /// Scans tar, 7z and rar archives member by member, and single compressed streams by their content.
    func scanStreamArchive(_ input: ScanInput, kind: ContentKind, name: String, depth: Int, rawOnly: Bool = false)
        -> (format: String, [ScanFinding])
    {
        var findings: [ScanFinding] = []
        if kind == .sevenZip || kind == .rar {
            findings.append(
                ScanFinding(
                    .scanNonstandardContainer, .suspicious,
                    "Non-standard container around model weights (\(kind.rawValue)); no model loader reads it."))
        }
        var format = kind.rawValue
        var first = true
        do throws(StemmaError) {
            let archive = try StreamArchive(input, rawOnly: rawOnly)
            members: while let entry = try archive.next() {
                if first {
                    first = false
                    if archive.isRawStream {
                        record(format)
                        findings += scanCompressedStream(archive, input: input, name: name, depth: depth)
                        return (format, findings)
                    }
                    // 7z and rar need to seek, which a compressed stream cannot: decompress it whole and scan
                    // what comes out, which opens the 7z from memory.
                    let inner = archive.archiveKind
                    if inner != kind && inner != .tar && !rawOnly {
                        return scanStreamArchive(input, kind: kind, name: name, depth: depth, rawOnly: true)
                    }
                    format = inner == kind ? kind.rawValue : "\(inner.rawValue)+\(kind.rawValue)"
                    record(format)
                    if inner == .tar { findings += tarHeaderFindings(input) }
                }
                guard admitMember() else {
                    findings.append(Self.incomplete("more than \(limits.maxMembers) archive members"))
                    break
                }
                findings += Self.pathFindings(entry.name) + Self.linkFindings(entry)
                if entry.encrypted {
                    findings.append(
                        ScanFinding(
                            .scanUnscannableMember, .malformed, "The archive member is encrypted.",
                            evidence: ScanEvidence(member: [entry.name])))
                    continue
                }
                guard entry.kind == .regular else { continue }
                let bound = min(limits.maxMemberBytes, max(0, limits.maxTotalBytes - totalBytes))
                switch try readMember(entry, bound: bound, archive: archive) {
                case .rawData(let findingsForData):
                    findings += findingsForData
                case .totalExceeded:
                    findings.append(Self.incomplete("the archive expands past \(limits.maxTotalBytes) bytes"))
                    break members
                case .tooLarge(let kind):
                    trace.append(
                        ScanRoute(member: currentMemberPath + [entry.name], route: "\(kind.rawValue) (too large)"))
                    findings.append(
                        Self.incomplete(
                            "a \(kind.rawValue) archive member is larger than the \(bound) bytes scanned in memory"
                        ).inside(entry.name))
                case .whole(let bytes):
                    let hint: LoaderHint = Self.legacyTorchTarMembers.contains(entry.name) ? .legacyTorch : .none
                    findings += scanMember(
                        ScanInput(bytes: bytes, path: input.path), name: entry.name, depth: depth + 1, hint: hint)
                }
            }
            if first {
                // A stream that starts with zeros reads as an empty tar; what follows must still be scanned.
                let compressed = ![.tar, .sevenZip, .rar].contains(kind)
                if compressed && !rawOnly {
                    return scanStreamArchive(input, kind: kind, name: name, depth: depth, rawOnly: true)
                }
                record(format)
            }
        } catch {
            if first { record("\(format) (unreadable)") }
            findings.append(Self.finding(for: error, reading: "\(format) archive"))
        }
        return (format, findings)
    }

    /// What reading one member gave.
    private enum MemberRead {
        /// The whole member, to scan.
        case whole([UInt8])
        /// Raw data (tensor bytes, a blob) too large to keep, streamed past; the findings say whether the checks
        /// on the way (a zip end record in its tail, an HDF5 superblock at a user-block boundary) found a view.
        case rawData([ScanFinding])
        /// Something with a structure to check, larger than may be brought into memory.
        case tooLarge(ContentKind)
        /// The archive as a whole expanded past `maxTotalBytes`.
        case totalExceeded
    }

    /// Reads a member through the same ``StreamedMemberScan`` `verify` feeds while hashing: what to keep is
    /// decided from the member's head, and memory stays flat for multi-gigabyte tensors and sparse files.
    private func readMember(_ entry: StreamArchive.Entry, bound: Int, archive: StreamArchive) throws(StemmaError)
        -> MemberRead
    {
        var memberLimits = limits
        memberLimits.maxMemberBytes = bound
        var streamed = StreamedMemberScan(name: entry.name, declaredSize: entry.declaredSize, limits: memberLimits)
        var chunk: [UInt8] = []
        while true {
            chunk.removeAll(keepingCapacity: true)
            let got = try archive.readMore(into: &chunk)
            if got == 0 { break }
            // Counted even when not kept: a stream of zeros that never ends is a bomb all the same.
            guard account(got) else { return .totalExceeded }
            chunk.withUnsafeBytes { streamed.consume($0) }
        }
        switch streamed.outcome {
        case .whole(let bytes):
            return .whole(bytes)
        case .streamedData(let findings):
            trace.append(ScanRoute(member: currentMemberPath + [entry.name], route: "data (streamed)"))
            return .rawData(findings.map { $0.inside(entry.name) })
        case .tooLarge(let kind):
            return .tooLarge(kind)
        }
    }

    /// A gzip, bzip2, xz, zstd or lz4 stream holding one file: decompressed under the limits, then scanned.
    private func scanCompressedStream(_ archive: StreamArchive, input: ScanInput, name: String, depth: Int)
        -> [ScanFinding]
    {
        let bound = inflationBound(compressedSize: input.count)
        let bytes: [UInt8]
        let complete: Bool
        do throws(StemmaError) {
            (bytes, complete) = try archive.read(maxBytes: bound.bytes)
        } catch {
            return [Self.finding(for: error, reading: "compressed stream")]
        }
        var findings: [ScanFinding] = []
        if !complete || !account(bytes.count) {
            findings.append(Self.incomplete("the stream decompresses to \(bound.reason)"))
        }
        let inner = Self.decompressedName(name)
        return findings
            + scanMember(ScanInput(bytes: bytes, path: input.path), name: inner, depth: depth + 1, hint: .compressed)
    }

    /// `model.pkl.gz` → `model.pkl`; a name without a compression suffix gets none to lose.
    static func decompressedName(_ name: String) -> String {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        for suffix in [".gz", ".tgz", ".bz2", ".xz", ".zst", ".zstd", ".lz4", ".z"]
        where base.lowercased().hasSuffix(suffix) && base.count > suffix.count {
            return String(base.dropLast(suffix.count))
        }
        return base.isEmpty ? "data" : base
    }

    private static func linkFindings(_ entry: StreamArchive.Entry) -> [ScanFinding] {
        let target: String
        let kind: String
        switch entry.kind {
        case .symbolicLink(let value): (target, kind) = (value, "symbolic")
        case .hardLink(let value): (target, kind) = (value, "hard")
        default: return []
        }
        return [
            ScanFinding(
                .scanArchiveLink, .suspicious, "The archive member '\(entry.name)' is a \(kind) link to '\(target)'.",
                evidence: ScanEvidence(member: [entry.name], detail: target))
        ]
    }
}
