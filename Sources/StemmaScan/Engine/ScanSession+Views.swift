import StemmaCore

extension ScanSession {
    /// Scans `input` as `kind` and as every other loader's view of it (issue 10, rule 1): a file with a zip end
    /// record is also a zip to `zipfile` and Keras, an HDF5 superblock behind a user block is also HDF5 to h5py.
    /// The findings of all views add up, so the verdict is the worst over them; the format names them all
    /// (`npy+zip`).
    func routeViews(_ input: ScanInput, kind: ContentKind, name: String, depth: Int, hint: LoaderHint)
        -> (format: String, [ScanFinding])
    {
        var (format, findings) = route(input, kind: kind, name: name, depth: depth, hint: hint)
        // Tensor records are raw numbers no loader opens; a stray end record in one is noise.
        guard hint != .tensorRecord else { return (format, findings) }
        let views: [ContentKind]
        do throws(StemmaError) {
            views = try ContentSniffer.extraViews(input, primary: kind)
        } catch {
            return (format, findings + [Self.unreadable(error)])
        }
        for view in views {
            let (extra, more) = route(input, kind: view, name: name, depth: depth, hint: hint)
            format += "+" + extra
            findings += more
        }
        return (format, findings)
    }

    /// Bytes no reader recognised. Under a name a loader opens as a model (rule 3) they are not a readable model
    /// file, so not safe; a `.pb` that is well-formed protobuf (`fingerprint.pb`, a frozen graph) is let through.
    /// The content of a compressed stream has no name of its own (`x.npy.z` holds raw array bytes that joblib
    /// reads through its pickle), so the rule is for files and archive members only.
    func scanData(_ input: ScanInput, name: String, hint: LoaderHint) -> (format: String, [ScanFinding]) {
        let derivedName = hint == .compressed || hint == .joblib
        guard hint != .tensorRecord, !derivedName, ContentSniffer.isModelShaped(name) else {
            record("data")
            return ("data", [])
        }
        if name.lowercased().hasSuffix(".pb"), input.count > 0, Self.isProtobuf(input) {
            record("protobuf")
            return ("protobuf", [])
        }
        record("data (model-shaped name)")
        return ("data", [Self.notAModelFile(name, empty: input.count == 0)])
    }

    /// Unknown bytes under a name a loader opens as a model (rule 3).
    static func notAModelFile(_ name: String, empty: Bool) -> ScanFinding {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        let what = empty ? "is empty" : "holds bytes no model loader reads"
        return ScanFinding(
            .scanNotAModelFile, .malformed, "Not a readable model file: '\(base)' is named like a model but \(what).",
            evidence: ScanEvidence(detail: base))
    }

    /// Whether the top level of `input` parses as protobuf wire format, end to end.
    private static func isProtobuf(_ input: ScanInput) -> Bool {
        var reader = ProtobufReader(InputWindow(input))
        do {
            var fields = 0
            while try reader.next() != nil {
                fields += 1
                if fields > 1 << 22 { return false }
            }
            return fields > 0
        } catch {
            return false
        }
    }

    /// A joblib zlib, LZMA or `ZF` dump: decompressed as `joblib.load` would, within the scan limits, and the
    /// result scanned with the joblib hint. Bytes that only look like a zlib header and inflate to noise before
    /// failing are data after all.
    func scanJoblibStream(_ input: ScanInput, kind: ContentKind, name: String, depth: Int)
        -> (format: String, [ScanFinding])
    {
        let bound = inflationBound(compressedSize: input.count)
        var findings: [ScanFinding] = []
        let bytes: [UInt8]
        do throws(StemmaError) {
            switch kind {
            case .lzma:
                let (output, failure) = try Self.decompressLZMA(input, maxBytes: bound.bytes)
                // The header is one liblzma (so joblib) reads; a stream libarchive will not open is not proven.
                if let failure { findings.append(Self.malformed("The joblib LZMA stream cannot be read: \(failure).")) }
                if output.count >= bound.bytes {
                    findings.append(Self.incomplete("the stream decompresses to \(bound.reason)"))
                }
                bytes = output
            default:
                var offset = 0
                var declared: Int?
                if kind == .joblibZFile {
                    let head = try input.bytes(at: 0, count: 32)
                    guard let header = JoblibStream.zfileHeader(head) else {
                        return scanData(input, name: name, hint: .none)
                    }
                    (offset, declared) = (header.dataOffset, header.length)
                }
                switch try JoblibStream.inflate(input, from: offset, maxOutput: bound.bytes) {
                case .complete(let output, let trailing):
                    if trailing > 0 {
                        findings.append(Self.malformed("\(trailing) bytes follow the joblib zlib stream."))
                    }
                    if let declared, declared != output.count {
                        findings.append(
                            Self.malformed(
                                "The joblib ZF container declares \(declared) bytes; its stream holds \(output.count).")
                        )
                    }
                    bytes = output
                case .exceeded(let output):
                    findings.append(Self.incomplete("the stream decompresses to \(bound.reason)"))
                    bytes = output
                case .corrupt(let output, let reason):
                    // Text that happens to start like a zlib header inflates to a little noise before zlib gives
                    // up; joblib would fail on that noise too. Only a pickle-shaped start is a joblib view.
                    let head = Array(output.prefix(PickleProbe.window))
                    let noise =
                        output.isEmpty
                        || ContentSniffer.sniffHead(head, total: output.count, name: "", joblib: false) == .data
                    if noise && kind == .zlib && !ContentSniffer.isModelShaped(name) {
                        return scanData(input, name: name, hint: .none)
                    }
                    findings.append(Self.malformed("The joblib zlib stream is corrupt: \(reason)."))
                    bytes = output
                }
            }
        } catch {
            record("\(kind.rawValue) (unreadable)")
            return (kind.rawValue, [Self.finding(for: error, reading: "joblib dump")])
        }
        record(kind.rawValue)
        guard account(bytes.count) else {
            return (kind.rawValue, findings + [Self.incomplete("more than \(limits.maxTotalBytes) bytes decompressed")])
        }
        let inner = ScanInput(bytes: bytes, path: input.path)
        return (
            kind.rawValue,
            findings + scanMember(inner, name: Self.decompressedName(name), depth: depth + 1, hint: .joblib)
        )
    }

    private static let notLZMA = "libarchive does not recognise it as LZMA"

    /// Decompresses a raw LZMA ("alone") stream with libarchive's lzma filter, keeping what came out before any
    /// error (joblib unpickles as it reads).
    private static func decompressLZMA(_ input: ScanInput, maxBytes: Int) throws(StemmaError)
        -> ([UInt8], String?)
    {
        let archive: StreamArchive
        do {
            archive = try StreamArchive(input, rawOnly: true)
            guard try archive.next() != nil, archive.filterName == "lzma" else { return ([], notLZMA) }
        } catch {
            if error.code == .io { throw error }
            return ([], notLZMA)
        }
        var output: [UInt8] = []
        do {
            while output.count < maxBytes {
                if try archive.readMore(into: &output) == 0 { return (output, nil) }
            }
            output.removeLast(output.count - maxBytes)
            return (output, nil)
        } catch {
            if error.code == .io { throw error }
            return (output, error.message)
        }
    }
}
