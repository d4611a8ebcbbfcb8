import StemmaCore

/// Where one input was sent, for tests and `--explain`-style output: the member path and the route
/// (`zip`, `pickle(torch)`, `npy`, `data`, …).
struct ScanRoute: Equatable, Sendable, CustomStringConvertible {
    var member: [String]
    var route: String
    var description: String { (member + [route]).joined(separator: " > ") }
}

/// What the context of an input says about how it will be loaded; it picks the pickle profile, never whether
/// to scan.
enum LoaderHint: Equatable {
    case none
    /// A member of a PyTorch zip.
    case torch
    /// A tensor record of a PyTorch zip (`archive/data/0`): raw numbers that only count as a pickle when the
    /// opcodes prove it.
    case tensorRecord
    /// A member of a legacy PyTorch tar: stacked pickles followed by raw storage bytes.
    case legacyTorch
    /// The content of a compressed stream (joblib, `pandas.read_pickle`).
    case compressed
    /// The content of a compression only `joblib.load` reads (zlib, raw LZMA, `ZF`): a joblib pickle, whatever
    /// the file is called.
    case joblib
}

/// The scan of one top-level file: its limits, what has been used of them, and a trace of where each input went.
///
/// One session serves one file and one thread. Containers call back into ``route(_:kind:name:depth:hint:)`` for
/// each member, one level deeper, so every bound (depth, members, bytes) is counted across the whole file.
final class ScanSession {
    let limits: ScanLimits
    let extraAllowedGlobals: Set<String>
    let modelFolder: String?
    var trace: [ScanRoute] = []
    private var memberPath: [String] = []
    /// The member path of the input being scanned, outermost first.
    var currentMemberPath: [String] { memberPath }
    private var membersSeen = 0
    private(set) var totalBytes = 0

    init(limits: ScanLimits, extraAllowedGlobals: Set<String>, modelFolder: String?) {
        self.limits = limits
        self.extraAllowedGlobals = extraAllowedGlobals
        self.modelFolder = modelFolder
    }

    /// Sniffs `input` and scans it as what it is.
    /// - Returns: the format name and the findings, with member paths relative to `input`.
    func scan(_ input: ScanInput, name: String, depth: Int, hint: LoaderHint) -> (format: String, [ScanFinding]) {
        let kind: ContentKind
        do throws(StemmaError) {
            kind = try ContentSniffer.sniff(input, name: name, tensorRecord: hint == .tensorRecord)
        } catch {
            return ("unreadable", [Self.unreadable(error)])
        }
        return routeViews(input, kind: kind, name: name, depth: depth, hint: hint)
    }

    /// Scans `input`, already sniffed as `kind`.
    func route(_ input: ScanInput, kind: ContentKind, name: String, depth: Int, hint: LoaderHint)
        -> (format: String, [ScanFinding])
    {
        if kind == .zip || kind.isStreamArchive || kind.isJoblibCompressed, depth >= limits.maxDepth {
            record("\(kind.rawValue) (not opened: depth limit)")
            return (kind.rawValue, [Self.incomplete("containers are nested more than \(limits.maxDepth) deep")])
        }
        switch kind {
        case .zip: return scanZip(input, name: name, depth: depth)
        case .sevenZip, .rar, .gzip, .bzip2, .xz, .lz4, .zstd, .tar:
            return scanStreamArchive(input, kind: kind, name: name, depth: depth)
        case .npy: return scanNumpy(input, name: name)
        case .pickle: return scanPickle(input, name: name, hint: hint)
        case .hdf5: return checked("hdf5", HDF5Check.check(input))
        case .gguf: return checked("gguf", GGUFCheck.check(input))
        case .safetensors: return checked("safetensors", SafetensorsCheck.check(input))
        case .onnx: return checked("onnx", ONNXCheck.check(input, modelFolder: memberPath.isEmpty ? modelFolder : nil))
        case .savedModel: return checked("saved-model", SavedModelCheck.check(input))
        case .kerasMetadata: return checked("keras-metadata", SavedModelCheck.checkKerasMetadata(input))
        case .zlib, .lzma, .joblibZFile: return scanJoblibStream(input, kind: kind, name: name, depth: depth)
        case .savedModelText, .jsonConfig, .chatTemplate, .tokenizerConfig, .yaml:
            return scanText(input, kind: kind, name: name)
        case .data: return scanData(input, name: name, hint: hint)
        }
    }

    /// Scans a member of the current container one level deeper; its findings come back with `name` prepended.
    func scanMember(_ input: ScanInput, name: String, kind: ContentKind? = nil, depth: Int, hint: LoaderHint)
        -> [ScanFinding]
    {
        memberPath.append(name)
        defer { memberPath.removeLast() }
        let (_, findings) =
            if let kind {
                routeViews(input, kind: kind, name: name, depth: depth, hint: hint)
            } else {
                scan(input, name: name, depth: depth, hint: hint)
            }
        return findings.map { $0.inside(name) }
    }

    /// Records where the current input went.
    func record(_ route: String) { trace.append(ScanRoute(member: memberPath, route: route)) }

    /// Archive members counted so far in this file.
    var membersUsed: Int { membersSeen }

    /// Counts one more archive member; false once the member limit is used up.
    func admitMember() -> Bool {
        membersSeen += 1
        return membersSeen <= limits.maxMembers
    }

    /// Counts decompressed bytes against the per-file total; false once it is used up.
    func account(_ bytes: Int) -> Bool {
        totalBytes = totalBytes &+ bytes
        return totalBytes <= limits.maxTotalBytes
    }

    /// How many more bytes one member may inflate to: the member bound, what is left of the total, and the
    /// compression ratio applied to its compressed size (with a 64 KiB floor: small files compress well).
    func inflationBound(compressedSize: Int) -> (bytes: Int, reason: String) {
        let (byRatio, overflow) = compressedSize.multipliedReportingOverflow(by: limits.maxCompressionRatio)
        let ratioBound = overflow ? Int.max : max(byRatio, 64 << 10)
        let left = max(0, limits.maxTotalBytes - totalBytes)
        let bounds = [
            (limits.maxMemberBytes, "more than \(limits.maxMemberBytes) bytes"),
            (left, "past the \(limits.maxTotalBytes)-byte total"),
            (ratioBound, "more than \(limits.maxCompressionRatio) times its compressed size (a zip bomb?)"),
        ]
        return bounds.min { $0.0 < $1.0 } ?? bounds[0]
    }

    // MARK: findings every container uses

    static func incomplete(_ message: String, detail: String? = nil) -> ScanFinding {
        ScanFinding(.scanIncomplete, .malformed, "Scan incomplete: \(message).", evidence: ScanEvidence(detail: detail))
    }

    static func malformed(_ message: String) -> ScanFinding {
        ScanFinding(.scanMalformed, .malformed, message)
    }

    static func unreadable(_ error: StemmaError) -> ScanFinding {
        ScanFinding(.scanUnreadable, .malformed, "Could not be read: \(error.description).")
    }

    /// A finding for a `StemmaError` thrown while reading a container: I/O is unreadable, a limit incomplete,
    /// anything else malformed.
    static func finding(for error: StemmaError, reading what: String) -> ScanFinding {
        if error.code == .io { return unreadable(error) }
        if error.code == .limitExceeded { return incomplete("\(what): \(error.message)") }
        return malformed("Not a readable \(what): \(error.description).")
    }
}
