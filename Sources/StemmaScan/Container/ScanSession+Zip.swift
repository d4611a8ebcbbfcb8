import StemmaArchive
import StemmaCore

extension ScanSession {
    /// The label of the bytes in front of a zip, scanned as a member of their own.
    static let zipPrefixMember = "(bytes before the zip)"
    /// How many other views of one zip (other end records) are scanned.
    static let maxZipViews = 2

    /// Scans every member of a zip by content: PyTorch archives, Keras `.keras`, `.npz` and plain zips alike.
    ///
    /// The zip is read as CPython's `zipfile` reads it (``ZipArchive``); every place where readers could disagree
    /// is a `scan.container-anomaly` finding (malformed), and where another view exists (another end record,
    /// bytes in front of the zip) it is scanned too.
    func scanZip(_ input: ScanInput, name: String, depth: Int) -> (format: String, [ScanFinding]) {
        let archive: ZipArchive
        do throws(StemmaError) {
            archive = try readZip(input, endRecord: nil)
        } catch {
            record("zip (unreadable)")
            return ("zip", [Self.finding(for: error, reading: "zip archive")])
        }
        let names = archive.members.map(\.name)
        let torchPrefix = Self.torchPrefix(names)
        // A .keras archive has its config next to metadata.json or the weights, or holds nothing Keras does not
        // write (a config.json alone, npz weights); a zipped Hugging Face folder with a config.json is not Keras.
        // Any config.json is checked by the Keras rules when it is a Keras config (ScanSession.scanText).
        let kerasLayout = names.allSatisfy {
            $0 == "config.json" || $0.hasSuffix(".npz") || $0.hasSuffix(".h5") || $0.hasPrefix("assets/")
        }
        let isKeras =
            names.contains("config.json")
            && (names.contains("metadata.json") || names.contains("model.weights.h5") || kerasLayout)
        let format: String
        if torchPrefix != nil {
            format = "pytorch-zip"
        } else if isKeras {
            format = "keras"
        } else if !names.isEmpty && names.allSatisfy({ $0.hasSuffix(".npy") }) {
            format = "npz"
        } else {
            format = "zip"
        }
        record(format)
        var findings = Self.ambiguityFindings(archive)
        if archive.truncated { findings.append(Self.malformed("The zip's central directory is truncated.")) }
        if isKeras { findings += KerasConfigCheck.checkMemberNames(names) }
        if let torchPrefix { findings += Self.torchScriptFindings(names, prefix: torchPrefix) }
        findings += scanZipMembers(
            archive.members, in: input, depth: depth, torchPrefix: torchPrefix, isKeras: isKeras)
        findings += scanOtherZipViews(archive, in: input, depth: depth)
        return (format, findings)
    }

    private func readZip(_ input: ScanInput, endRecord: Int?) throws(StemmaError) -> ZipArchive {
        try ZipArchive.read(
            input, maxMembers: max(0, limits.maxMembers - membersUsed) + 1,
            maxDirectoryBytes: min(input.count, limits.maxMemberBytes), endRecord: endRecord)
    }

    /// One malformed finding per ambiguity, on its member when it names one.
    static func ambiguityFindings(_ archive: ZipArchive) -> [ScanFinding] {
        var findings = archive.ambiguities.map { ambiguity in
            ScanFinding(
                .scanContainerAnomaly, .malformed, "Zip ambiguity (\(ambiguity.kind.rawValue)): \(ambiguity.detail).",
                evidence: ScanEvidence(member: ambiguity.member.map { [$0] } ?? []))
        }
        if archive.droppedAmbiguities > 0 {
            findings.append(
                ScanFinding(
                    .scanContainerAnomaly, .malformed, "Zip ambiguity: \(archive.droppedAmbiguities) more not listed."))
        }
        return findings
    }

    private func scanZipMembers(
        _ members: [ZipMember], in input: ScanInput, depth: Int, torchPrefix: String?, isKeras: Bool
    ) -> [ScanFinding] {
        var findings: [ScanFinding] = []
        for member in members {
            guard admitMember() else {
                findings.append(Self.incomplete("more than \(limits.maxMembers) archive members"))
                break
            }
            findings += Self.pathFindings(member.name)
            if member.isSymbolicLink {
                findings.append(
                    ScanFinding(
                        .scanArchiveLink, .suspicious, "The zip member '\(member.name)' is a symbolic link.",
                        evidence: ScanEvidence(member: [member.name])))
            }
            if member.isDirectory && member.uncompressedSize == 0 && member.compressedSize == 0 { continue }
            let hint: LoaderHint
            if let torchPrefix {
                hint = member.name.hasPrefix(torchPrefix + "/data/") ? .tensorRecord : .torch
            } else {
                hint = .none
            }
            findings += scanZipMember(
                member, in: input, depth: depth, hint: hint)
        }
        return findings
    }

    /// What other readers would see: the archive through each other end record, and the bytes in front of it.
    private func scanOtherZipViews(_ archive: ZipArchive, in input: ScanInput, depth: Int) -> [ScanFinding] {
        var findings: [ScanFinding] = []
        let seen = Set(archive.members.map(\.localHeaderOffset))
        for endRecord in archive.otherEndRecords.prefix(Self.maxZipViews) {
            guard let view = try? readZip(input, endRecord: endRecord) else { continue }
            let unseen = view.members.filter { !seen.contains($0.localHeaderOffset) }
            findings += scanZipMembers(
                unseen, in: input, depth: depth, torchPrefix: Self.torchPrefix(view.members.map(\.name)),
                isKeras: false)
        }
        if archive.prefixLength > 0 {
            findings += scanMember(
                input.slice(offset: 0, count: archive.prefixLength), name: Self.zipPrefixMember, depth: depth + 1,
                hint: .none)
        }
        return findings
    }

    private func scanZipMember(
        _ member: ZipMember, in input: ScanInput, depth: Int, hint: LoaderHint
    ) -> [ScanFinding] {
        let inside = ScanEvidence(member: [member.name])
        func finding(_ code: FindingCode, _ verdict: ScanVerdict, _ message: String) -> ScanFinding {
            ScanFinding(code, verdict, message, evidence: inside)
        }
        // The reader has reported why there is no local header.
        guard let dataOffset = member.dataOffset else { return [] }
        var findings: [ScanFinding] = []
        if member.isEncrypted {
            // Unscannable as far as a zip reader that honours the flag goes; but the flag can be set on plain data
            // (CVE-2025-1944), and a reader that ignores it would load a pickle the scan never saw. So the bytes
            // are scanned as they are too: real ciphertext is noise and adds nothing.
            findings.append(
                finding(
                    .scanUnscannableMember, .malformed,
                    "The zip member is flagged as encrypted; its bytes are scanned as they are."))
        }
        let raw = input.slice(offset: dataOffset, count: member.compressedSize)
        let data: ScanInput
        switch member.method {
        case 0:
            data = raw
        case 8:
            guard let inflated = inflate(member, raw, into: &findings) else { return findings }
            data = inflated
        default:
            return findings + [
                finding(.scanUnscannableMember, .malformed, "The zip member uses compression method \(member.method).")
            ]
        }
        let kind: ContentKind
        do throws(StemmaError) {
            kind = try ContentSniffer.sniff(data, name: member.name, tensorRecord: hint == .tensorRecord)
        } catch {
            return findings + [Self.unreadable(error).inside(member.name)]
        }
        // Read fully only what is scanned anyway (never tensor data), and check its CRC on the way.
        if member.method == 0, kind != .data, data.count <= limits.maxMemberBytes,
            let crc = try? data.allBytes(maxBytes: limits.maxMemberBytes).map(ZipChecksum.crc32), crc != member.crc
        {
            findings.append(crcMismatch(inside))
        }
        return findings + scanMember(data, name: member.name, kind: kind, depth: depth + 1, hint: hint)
    }

    private func inflate(_ member: ZipMember, _ raw: ScanInput, into findings: inout [ScanFinding]) -> ScanInput? {
        let inside = ScanEvidence(member: [member.name])
        guard member.uncompressedSize <= limits.maxMemberBytes else {
            return inflateStreamed(member, raw, into: &findings)
        }
        let bound = inflationBound(compressedSize: raw.count)
        let outcome: RawInflater.Outcome
        do throws(StemmaError) {
            outcome = try RawInflater.inflate(raw, maxOutput: bound.bytes)
        } catch {
            findings.append(Self.unreadable(error).inside(member.name))
            return nil
        }
        switch outcome {
        case .exceeded:
            findings.append(Self.incomplete("a zip member inflates to \(bound.reason)").inside(member.name))
            return nil
        case .corrupt(let reason):
            findings.append(Self.malformed("The zip member's deflate data is corrupt: \(reason).").inside(member.name))
            return nil
        case .complete(let bytes, let stream):
            guard account(bytes.count) else {
                findings.append(
                    Self.incomplete("more than \(limits.maxTotalBytes) bytes decompressed").inside(member.name))
                return nil
            }
            // Sizes and the end of the stream decide what readers unpack; a CRC error is read past and reported.
            for ambiguity in stream.ambiguities(for: member, checkCRC: false) {
                findings.append(
                    ScanFinding(
                        .scanContainerAnomaly, .malformed,
                        "Zip ambiguity (\(ambiguity.kind.rawValue)): \(ambiguity.detail).", evidence: inside))
            }
            if stream.crc != member.crc { findings.append(crcMismatch(inside)) }
            return ScanInput(bytes: bytes, path: raw.path)
        }
    }

    /// A deflated member declared larger than may be brought into memory, inflated once through the
    /// ``StreamedMemberScan`` a tar member goes through: raw data passes only when no other view says otherwise
    /// (an ONNX layout, a zip end record in its tail, an HDF5 superblock), anything structured is incomplete.
    /// Returns the bytes only when the stream turned out small enough to keep (its records lied, which is reported).
    private func inflateStreamed(_ member: ZipMember, _ raw: ScanInput, into findings: inout [ScanFinding])
        -> ScanInput?
    {
        let inside = ScanEvidence(member: [member.name])
        let (byRatio, overflow) = raw.count.multipliedReportingOverflow(by: limits.maxCompressionRatio)
        let ceiling = min(max(0, limits.maxTotalBytes - totalBytes), overflow ? Int.max : max(byRatio, 64 << 10))
        guard member.uncompressedSize < ceiling else {
            findings.append(
                Self.incomplete("a zip member declares \(member.uncompressedSize) bytes").inside(member.name))
            return nil
        }
        var streamed = StreamedMemberScan(name: member.name, declaredSize: member.uncompressedSize, limits: limits)
        let outcome: ZipMemberReader.Outcome
        do throws(StemmaError) {
            // One byte past the declared size, to see a stream that runs long.
            outcome = try ZipMemberReader.stream(
                from: raw, offset: 0, count: raw.count, method: 8, maxOutput: member.uncompressedSize + 1
            ) { chunk in streamed.consume(chunk) }
        } catch {
            findings.append(Self.unreadable(error).inside(member.name))
            return nil
        }
        _ = account(outcome.bytes)
        for ambiguity in outcome.ambiguities(for: member, checkCRC: false) {
            findings.append(
                ScanFinding(
                    .scanContainerAnomaly, .malformed,
                    "Zip ambiguity (\(ambiguity.kind.rawValue)): \(ambiguity.detail).",
                    evidence: inside))
        }
        if outcome.failure == nil, !outcome.reachedLimit, outcome.crc != member.crc {
            findings.append(crcMismatch(inside))
        }
        switch streamed.outcome {
        case .whole(let bytes):
            return ScanInput(bytes: bytes, path: raw.path)
        case .streamedData(let more):
            trace.append(ScanRoute(member: currentMemberPath + [member.name], route: "data (streamed)"))
            findings += more.map { $0.inside(member.name) }
        case .tooLarge(let kind):
            findings.append(StreamedMemberScan.tooLargeFinding(kind, bound: limits.maxMemberBytes).inside(member.name))
        }
        return nil
    }

    private func crcMismatch(_ evidence: ScanEvidence) -> ScanFinding {
        ScanFinding(
            .scanContainerIntegrity, .suspicious,
            "Integrity anomaly: the member's CRC-32 does not match its bytes (scanned anyway).", evidence: evidence)
    }

    /// The record prefix of a PyTorch zip: the first path component of a `<prefix>/data.pkl` member.
    static func torchPrefix(_ names: [String]) -> String? {
        for name in names {
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, parts[1] == "data.pkl", !parts[0].isEmpty { return String(parts[0]) }
        }
        return nil
    }

    /// TorchScript archives keep Python-like code under `<prefix>/code/`; `torch.jit.load` compiles and runs it.
    static func torchScriptFindings(_ names: [String], prefix: String) -> [ScanFinding] {
        let code = names.filter { $0.hasPrefix(prefix + "/code/") && !$0.hasSuffix("/") }
        guard let first = code.first else { return [] }
        return [
            ScanFinding(
                .scanTorchScriptCode, .suspicious,
                "TorchScript code present (runs on torch.jit.load): \(code.count) file(s) under \(prefix)/code/.",
                evidence: ScanEvidence(member: [first], detail: code.prefix(5).joined(separator: ", ")))
        ]
    }

    /// A finding for a member path that is absolute or climbs out with `..` (zip slip, tar slip).
    static func pathFindings(_ name: String) -> [ScanFinding] {
        let parts = name.split(omittingEmptySubsequences: false) { $0 == "/" || $0 == "\\" }
        let drive = name.utf8.count >= 2 && name.utf8.dropFirst().first == UInt8(ascii: ":")
        guard name.hasPrefix("/") || name.hasPrefix("\\") || drive || parts.contains("..") else { return [] }
        return [
            ScanFinding(
                .scanUnsafeMemberPath, .suspicious,
                "The member path '\(name)' is absolute or climbs out of the archive with '..'.",
                evidence: ScanEvidence(member: [name]))
        ]
    }
}
