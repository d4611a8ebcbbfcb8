import StemmaCore

extension ScanSession {
    /// Scans every member of a zip by content: PyTorch archives, Keras `.keras`, `.npz` and plain zips alike.
    func scanZip(_ input: ScanInput, name: String, depth: Int) -> (format: String, [ScanFinding]) {
        let archive: ZipArchive
        do throws(StemmaError) {
            archive = try ZipArchive.read(
                input, maxMembers: max(0, limits.maxMembers - membersUsed) + 1,
                maxDirectoryBytes: min(input.count, limits.maxMemberBytes))
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
        var findings = archive.anomalies.map {
            ScanFinding(.scanContainerAnomaly, .suspicious, "Zip anomaly: \($0).")
        }
        if archive.truncated { findings.append(Self.malformed("The zip's central directory is truncated.")) }
        if isKeras { findings += KerasConfigCheck.checkMemberNames(names) }
        if let torchPrefix { findings += Self.torchScriptFindings(names, prefix: torchPrefix) }
        var seen: Set<String> = []
        for member in archive.members {
            guard admitMember() else {
                findings.append(Self.incomplete("more than \(limits.maxMembers) archive members"))
                break
            }
            if !seen.insert(member.name).inserted {
                findings.append(
                    ScanFinding(
                        .scanContainerAnomaly, .suspicious,
                        "Zip anomaly: the member name '\(member.name)' appears more than once; loaders pick one.",
                        evidence: ScanEvidence(member: [member.name])))
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
            findings += scanZipMember(member, of: archive, in: input, depth: depth, hint: hint)
        }
        return (format, findings)
    }

    private func scanZipMember(
        _ member: ZipMember, of archive: ZipArchive, in input: ScanInput, depth: Int, hint: LoaderHint
    ) -> [ScanFinding] {
        let inside = ScanEvidence(member: [member.name])
        func finding(_ code: FindingCode, _ verdict: ScanVerdict, _ message: String) -> ScanFinding {
            ScanFinding(code, verdict, message, evidence: inside)
        }
        let location: ZipLocation
        do throws(StemmaError) {
            location = try archive.locate(member, in: input)
        } catch {
            return [Self.finding(for: error, reading: "zip member").inside(member.name)]
        }
        var findings = location.anomalies.map { finding(.scanContainerAnomaly, .suspicious, "Zip anomaly: \($0).") }
        if member.isEncrypted {
            // Unscannable as far as a zip reader that honours the flag goes; but the flag can be set on plain data
            // (CVE-2025-1944), and a reader that ignores it would load a pickle the scan never saw. So the bytes
            // are scanned as they are too: real ciphertext is noise and adds nothing.
            findings.append(
                finding(
                    .scanUnscannableMember, .malformed,
                    "The zip member is flagged as encrypted; its bytes are scanned as they are."))
        }
        let (end, overflow) = location.dataOffset.addingReportingOverflow(member.compressedSize)
        if overflow || end > input.count {
            findings.append(
                Self.malformed("The zip member's data runs past the end of the archive.").inside(member.name))
        }
        let raw = input.slice(offset: location.dataOffset, count: member.compressedSize)
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
            let crc = try? ZipChecksum.crc32(of: data), crc != member.crc
        {
            findings.append(crcMismatch(inside))
        }
        return findings + scanMember(data, name: member.name, kind: kind, depth: depth + 1, hint: hint)
    }

    private func inflate(_ member: ZipMember, _ raw: ScanInput, into findings: inout [ScanFinding]) -> ScanInput? {
        let inside = ScanEvidence(member: [member.name])
        guard member.uncompressedSize <= limits.maxMemberBytes else {
            // Too large for memory: raw data passes on its head (nothing loads it as code); the rest is unproven.
            if case .exceeded(let head) = try? RawInflater.inflate(raw, maxOutput: PickleProbe.window),
                ContentSniffer.sniffHead(head, total: member.uncompressedSize, name: member.name) == .data
            {
                trace.append(ScanRoute(member: currentMemberPath + [member.name], route: "data (head only)"))
                return nil
            }
            findings.append(
                Self.incomplete("a zip member declares \(member.uncompressedSize) bytes").inside(member.name))
            return nil
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
        case .complete(let bytes):
            guard account(bytes.count) else {
                findings.append(
                    Self.incomplete("more than \(limits.maxTotalBytes) bytes decompressed").inside(member.name))
                return nil
            }
            if bytes.count != member.uncompressedSize {
                findings.append(
                    ScanFinding(
                        .scanContainerAnomaly, .suspicious,
                        "Zip anomaly: the member inflates to \(bytes.count) bytes, its record says \(member.uncompressedSize).",
                        evidence: inside))
            }
            if ZipChecksum.crc32(bytes) != member.crc { findings.append(crcMismatch(inside)) }
            return ScanInput(bytes: bytes, path: raw.path)
        }
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
