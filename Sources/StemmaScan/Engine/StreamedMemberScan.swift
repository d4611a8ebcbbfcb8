public import StemmaCore

/// The scan of one archive member whose bytes arrive in chunks: `verify` feeds it the chunks it hashes (so an
/// archive is decompressed once and the bytes scanned are the bytes hashed), and `stemma scan` the chunks of a tar
/// or 7z member.
///
/// It decides from the member's head (its first 64 KiB): structured content (a pickle, a zip, safetensors, …) is
/// kept whole, up to `maxMemberBytes`, and scanned when the member ends; larger is `scan.incomplete` (malformed),
/// never safe. Raw data is kept whole too while it is small (``dataBound``), so every view a loader could take of
/// it (an HDF5 superblock behind a user block, an ONNX model without a magic number, a zip end record) is scanned
/// as for a file on disk. ONNX has no magic, so its field layout is followed over every byte
/// (``ONNXStreamProbe``): raw data whose layout may still be a model at ``dataBound`` is kept whole up to
/// `maxMemberBytes` and checked; past that, a member whose whole layout proves a model is `scan.incomplete`.
/// Other large raw data (tensor blobs, sparse files) is streamed past keeping only its last 64 KiB, with two
/// checks on the way: a zip end record in that tail, and an HDF5 superblock at any user-block boundary (powers of
/// two from 512), each `malformed` since the member cannot be scanned in memory. Memory is bounded by
/// `maxMemberBytes` for structured members and possible ONNX models, and ``dataBound`` for data.
public struct StreamedMemberScan {
    /// Raw data up to this size is kept and scanned whole, with every view.
    public static let dataBound = 16 << 20

    let name: String
    private let declaredSize: Int?
    private let bound: Int
    /// Raw data is kept up to this many bytes (``dataBound``, or less when the member bound is smaller).
    private let dataKeep: Int
    private var bytes: [UInt8] = []
    private(set) var size = 0
    private var mode = Mode.undecided
    /// The next user-block boundary to look for an HDF5 superblock at, while streaming past data.
    private var nextSuperblock = 512
    private var streamedFindings: [ScanFinding] = []
    /// ONNX has no magic number: its field layout is followed over every byte of the member, kept or not.
    private var onnx: ONNXStreamProbe

    private enum Mode {
        /// Still reading the head.
        case undecided
        /// Kept whole, to scan at the end (`isData`: raw data, kept only up to ``dataBound``).
        case whole(isData: Bool)
        /// Raw data too large to keep: only the tail is kept.
        case streaming
        /// Structured content past the bound: not kept.
        case tooLarge(ContentKind)
    }

    /// What was kept when the member ended.
    enum Outcome {
        /// The whole member, to scan.
        case whole([UInt8])
        /// Raw data streamed past, and what the checks on the way found.
        case streamedData([ScanFinding])
        /// Something with a structure to check, larger than may be brought into memory.
        case tooLarge(ContentKind)
    }

    /// The bytes kept at the end of a raw-data member: a zip end record and the largest comment after it.
    private static let tailBytes = (64 << 10) + 22
    private static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// Starts the scan of the member `name` (its path inside the archive, which picks the pickle profile and
    /// the name-based checks) of `declaredSize` bytes when the archive says.
    public init(name: String, declaredSize: Int?, limits: ScanLimits) {
        self.name = name
        self.declaredSize = declaredSize
        self.bound = limits.maxMemberBytes
        self.dataKeep = min(Self.dataBound, limits.maxMemberBytes)
        self.onnx = ONNXStreamProbe(declaredSize: declaredSize)
    }

    /// Takes the member's next bytes.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        size += chunk.count
        onnx.consume(chunk)
        switch mode {
        case .undecided:
            bytes.append(contentsOf: chunk)
            if bytes.count >= min(bound + 1, PickleProbe.window) {
                decide()
                checkKept()
            }
        case .whole:
            bytes.append(contentsOf: chunk)
            checkKept()
        case .streaming:
            bytes.append(contentsOf: chunk)
            checkSuperblocks()
            if bytes.count > 2 * Self.tailBytes { bytes.removeFirst(bytes.count - Self.tailBytes) }
        case .tooLarge:
            break
        }
    }

    /// What was kept, once the member has ended.
    var outcome: Outcome {
        switch mode {
        case .undecided, .whole: return .whole(bytes)
        case .streaming: return .streamedData(streamedFindings + dataTailFindings() + onnxFindings() + nameFindings())
        case .tooLarge(let kind): return .tooLarge(kind)
        }
    }

    /// Scans what was kept, once the member has ended. The result is named by the member's name.
    /// - Parameter archive: the archive's path, for messages.
    public func finish(scanner: ModelScanner, archive: String) -> ScannedFile {
        switch outcome {
        case .whole(let bytes):
            return scanner.scan(ScanInput(bytes: bytes, path: archive), name: name, modelFolder: nil)
        case .streamedData(let findings):
            return ScannedFile(path: name, format: "data", findings: findings)
        case .tooLarge(let kind):
            return ScannedFile(path: name, format: kind.rawValue, findings: [Self.tooLargeFinding(kind, bound: bound)])
        }
    }

    static func tooLargeFinding(_ kind: ContentKind, bound: Int) -> ScanFinding {
        ScanSession.incomplete("a \(kind.rawValue) archive member is larger than the \(bound) bytes scanned in memory")
    }

    private func sniffedKind() -> ContentKind {
        ContentSniffer.sniffHead(Array(bytes.prefix(PickleProbe.window)), total: declaredSize ?? Int.max, name: name)
    }

    private mutating func decide() {
        let kind = sniffedKind()
        if kind == .data {
            // Kept up to the data bound even when larger: the ONNX layout is judged on that much before the bytes
            // are let go.
            mode = .whole(isData: true)
        } else if let declaredSize, declaredSize > bound {
            mode = .tooLarge(kind)
            bytes = []
        } else {
            mode = .whole(isData: false)
        }
    }

    /// Enforces the bounds on what is kept whole, also when one chunk carried the member past them.
    private mutating func checkKept() {
        guard case .whole(let isData) = mode else { return }
        if isData && bytes.count > dataKeep {
            // Raw data so far, but it may still be an ONNX model: kept whole while it fits, so that the model is
            // checked like one on disk.
            guard !onnx.failed && (declaredSize ?? 0) <= bound else { return startStreaming() }
            mode = .whole(isData: false)
        }
        guard bytes.count > bound else { return }
        let kind = sniffedKind()
        if kind == .data {
            // Kept only because it might be ONNX: streamed from here, the layout still followed.
            startStreaming()
        } else {
            mode = .tooLarge(kind)
            bytes = []
        }
    }

    /// From keeping everything to keeping the tail: the bytes held so far are checked first.
    private mutating func startStreaming() {
        mode = .streaming
        checkSuperblocks()
        if bytes.count > Self.tailBytes { bytes.removeFirst(bytes.count - Self.tailBytes) }
    }

    /// Looks for an HDF5 superblock at every user-block boundary the held bytes now cover: h5py opens a file whose
    /// superblock sits at 512, 1024, 2048, … bytes, whatever comes before it.
    private mutating func checkSuperblocks() {
        let heldFrom = size - bytes.count
        while nextSuperblock + 8 <= size {
            let index = nextSuperblock - heldFrom
            if index >= 0, bytes[index..<index + 8].elementsEqual(Self.hdf5Signature) {
                streamedFindings.append(
                    ScanSession.malformed(
                        "The \(size)+-byte member starts as raw data but holds an HDF5 superblock at offset "
                            + "\(nextSuperblock), which h5py (so Keras) opens; it is too large to scan in a stream."))
            }
            nextSuperblock *= 2
        }
    }

    /// A member streamed past whose whole layout is an ONNX model's: it was too large to keep, so it could not be
    /// checked, and is not proven safe. (A possible model that fits is kept whole and checked.)
    private func onnxFindings() -> [ScanFinding] {
        onnx.isModel ? [Self.tooLargeFinding(.onnx, bound: bound)] : []
    }

    /// Raw data under a name a loader opens as a model is not a readable model, as for a file on disk or a member
    /// kept whole (``ScanSession/scanData(_:name:hint:)``). A `.pb` is left alone: whether it is well-formed
    /// protobuf (a frozen graph) is decided on the whole input, which a stream does not keep.
    private func nameFindings() -> [ScanFinding] {
        guard ContentSniffer.isModelShaped(name), !name.lowercased().hasSuffix(".pb"), !onnx.isModel else { return [] }
        return [ScanSession.notAModelFile(name, empty: false)]
    }

    private func dataTailFindings() -> [ScanFinding] {
        let endRecord: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        guard bytes.count >= 22,
            (0...(bytes.count - 22)).contains(where: { bytes[$0..<$0 + 4].elementsEqual(endRecord) })
        else { return [] }
        return [
            ScanSession.malformed(
                "The \(size)-byte member starts as raw data but ends with a zip end record: a zip behind data, which "
                    + "Stemma does not open inside a stream.")
        ]
    }
}
