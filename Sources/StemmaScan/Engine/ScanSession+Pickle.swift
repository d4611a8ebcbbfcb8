import StemmaCore

extension ScanSession {
    /// The first pickle of a legacy (pre-1.6, non-zip) `torch.save` file: `PROTO n`, then `LONG1` with the
    /// ten bytes of `0x1950A86A20F9469CFC6C`.
    private static let legacyTorchMagic: [UInt8] = [
        0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19,
    ]

    /// Scans a pickle stream (all its stacked pickles). A container that fixes the loader (a PyTorch zip or
    /// tar) fixes the profile; otherwise each pickle's own imports choose it (rule 4), and the name only
    /// breaks a tie.
    func scanPickle(_ input: ScanInput, name: String, hint: LoaderHint) -> (format: String, [ScanFinding]) {
        var profile = Self.profile(for: name, hint: hint)
        var byContent = hint == .none || hint == .compressed
        var trailing = hint == .legacyTorch
        var format = "pickle"
        let head = (try? input.bytes(at: 0, count: 14)) ?? []
        if head.count == 14, head[0] == 0x80, Array(head[2...]) == Self.legacyTorchMagic {
            // Magic, protocol, sys_info, the object, storage keys, then raw storage bytes: every pickle counts.
            profile = .torch
            trailing = true
            format = "pytorch-legacy"
            byContent = false
        }
        // The trace names the fallback profile; each pickle's imports may still select another (byContent).
        record("pickle(\(profile.rawValue)\(trailing ? ",trailing" : ""))")
        let scanner = PickleScanner(
            profile: profile, limits: limits, extraAllowedGlobals: extraAllowedGlobals, selectsByContent: byContent)
        let result = scanner.scan(input, allowTrailingData: trailing)
        var findings = result.findings
        if format == "pytorch-legacy" && result.pickleCount < 5 {
            // Trailing data is allowed only after the five pickles torch writes; fewer means the file was cut
            // short (or built by hand), and the storage bytes the scan skipped might be a pickle cut in half.
            findings.append(
                Self.malformed(
                    "A legacy torch file holds five pickles (magic number, protocol, sys_info, the object, storage keys); only \(result.pickleCount) parse completely."
                ))
        }
        return (format, findings)
    }

    /// The profile a name suggests, for pickles whose imports select none; content decides whether to scan.
    static func profile(for name: String, hint: LoaderHint) -> PickleProfile {
        switch hint {
        case .torch, .tensorRecord, .legacyTorch: return .torch
        case .joblib: return .joblib
        case .compressed, .none: break
        }
        var base = name.split(separator: "/").last.map { $0.lowercased() } ?? ""
        for suffix in [".gz", ".bz2", ".xz", ".zst", ".lz4", ".z"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
        }
        let dot = base.lastIndex(of: ".").map { String(base[$0...]) } ?? ""
        switch dot {
        case ".pt", ".pth", ".bin", ".ckpt": return .torch
        case ".npy", ".npz": return .numpy
        case ".joblib": return .joblib
        default: return hint == .compressed ? .joblib : .plain
        }
    }

    /// An `.npy` array: object arrays are a pickle after the header; plain arrays must fit the file.
    func scanNumpy(_ input: ScanInput, name: String) -> (format: String, [ScanFinding]) {
        let header: NumpyHeader
        do throws(StemmaError) {
            header = try NumpyHeader.parse(input)
        } catch {
            record("npy (malformed)")
            return ("npy", [Self.finding(for: error, reading: ".npy array")])
        }
        let data = input.slice(offset: header.dataOffset, count: input.count - header.dataOffset)
        if header.hasObjects {
            record("npy")
            record("pickle(numpy)")
            let scanner = PickleScanner(profile: .numpy, limits: limits, extraAllowedGlobals: extraAllowedGlobals)
            // `numpy.lib.format.read_array` calls `pickle.load` once and never reads past that pickle's STOP (a
            // py2 `np.save` leaves a newline there). Bytes that start another pickle are scanned all the same.
            return ("npy", scanner.scan(data, allowTrailingData: true).findings)
        }
        record("npy")
        if let needed = header.dataBytes, needed > data.count {
            return (
                "npy",
                [Self.malformed("The .npy header describes \(needed) bytes of data, but only \(data.count) follow.")]
            )
        }
        return ("npy", [])
    }
}
