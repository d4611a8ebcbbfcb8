public import StemmaCore

/// The scan of one archive member whose bytes arrive in chunks, as `verify` hashes them: the archive is
/// decompressed once, and the bytes scanned are the bytes hashed.
///
/// It decides from the member's head, as `stemma scan` does inside a tar (`ScanSession.readMember`): raw data
/// (tensor bytes, a blob) is streamed past keeping only its last 64 KiB, where a zip end record would mean a zip
/// hidden behind the data; anything else is kept whole, up to `maxMemberBytes`, and scanned when the member ends;
/// larger than that is `scan.incomplete` (malformed), never safe. Memory is bounded by `maxMemberBytes` per member.
public struct StreamedMemberScan {
    private let name: String
    private let declaredSize: Int?
    private let bound: Int
    private var bytes: [UInt8] = []
    private var size = 0
    private var mode = Mode.undecided

    private enum Mode {
        /// Still reading the head.
        case undecided
        /// Kept whole, to scan at the end.
        case whole
        /// Raw data: only the tail is kept.
        case data
        /// Structured content past the bound: not kept.
        case tooLarge(ContentKind)
    }

    /// The bytes kept at the end of a raw-data member: a zip end record and the largest comment after it.
    private static let tailBytes = (64 << 10) + 22

    /// Starts the scan of the member `name` (its path inside the archive, which picks the pickle profile and
    /// the name-based checks) of `declaredSize` bytes when the archive says.
    public init(name: String, declaredSize: Int?, limits: ScanLimits) {
        self.name = name
        self.declaredSize = declaredSize
        self.bound = limits.maxMemberBytes
    }

    /// Takes the member's next bytes.
    public mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        size += chunk.count
        switch mode {
        case .undecided:
            bytes.append(contentsOf: chunk)
            if bytes.count >= min(bound + 1, PickleProbe.window) { decide() }
        case .whole:
            bytes.append(contentsOf: chunk)
            if bytes.count > bound {
                mode = .tooLarge(sniffedKind())
                bytes = []
            }
        case .data:
            bytes.append(contentsOf: chunk)
            if bytes.count > 2 * Self.tailBytes { bytes.removeFirst(bytes.count - Self.tailBytes) }
        case .tooLarge:
            break
        }
    }

    /// Scans what was kept, once the member has ended. The result is named by the member's name.
    /// - Parameter archive: the archive's path, for messages.
    public func finish(scanner: ModelScanner, archive: String) -> ScannedFile {
        switch mode {
        case .undecided, .whole:
            return scanner.scan(ScanInput(bytes: bytes, path: archive), name: name, modelFolder: nil)
        case .data:
            return ScannedFile(path: name, format: "data", findings: dataTailFindings())
        case .tooLarge(let kind):
            let finding = ScanSession.incomplete(
                "a \(kind.rawValue) archive member is larger than the \(bound) bytes scanned in memory")
            return ScannedFile(path: name, format: kind.rawValue, findings: [finding])
        }
    }

    private func sniffedKind() -> ContentKind {
        ContentSniffer.sniffHead(Array(bytes.prefix(PickleProbe.window)), total: declaredSize ?? Int.max, name: name)
    }

    private mutating func decide() {
        let kind = sniffedKind()
        if kind == .data {
            mode = .data
        } else if let declaredSize, declaredSize > bound {
            mode = .tooLarge(kind)
            bytes = []
        } else {
            mode = .whole
        }
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
