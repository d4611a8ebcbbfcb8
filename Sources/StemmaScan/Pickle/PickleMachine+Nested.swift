import StemmaCore

// Pickles inside pickles: a bytes or str constant that starts with a protocol 2–5 header (raw, as latin-1 code
// points, or as base64 or hex text), or that reads as a protocol 0 pickle ending in STOP, is what
// `pickle.loads(b"…")` or `torch.storage._load_from_bytes(b"…")` would run, so it is scanned too
// (unsafe-formats.md §4 items 17–18).
extension PickleMachine {
    /// Constants of one stream scanned as nested pickles; past this the scan is incomplete.
    static let maxNestedScans = 10_000

    /// Looks at a payload constant before it is skipped; it is still at the reader's position.
    mutating func sniffPayload(at start: Int, length: Int, kind: PayloadKind) throws(PickleFault) {
        let head = try reader.withBytes(4) { ($0[0], $0[1], $0[2], $0[3]) }
        if kind == .unicode && head.0 == 0xC2 && head.1 == 0x80 && (2...5).contains(head.2) {
            // A str whose code points are pickle bytes: `_codecs.encode(s, "latin1")` turns it back into them.
            guard length <= PickleMachine.decodedLimit else {
                note(.scanIncomplete, .malformed, "a \(length)-byte string that holds a pickle was not scanned")
                return
            }
            guard let raw = try? reader.input.bytes(at: start, count: length),
                let bytes = PickleEscapes.latin1(fromUTF8: raw)
            else { return }
            scanNested(ScanInput(bytes: bytes, path: reader.input.path), headed: true)
        } else if head.0 == 0x80 && (2...5).contains(head.1) {
            scanNested(reader.input.slice(offset: start, count: length), headed: true)
        } else if let form = EncodedPickle(head: [head.0, head.1, head.2, head.3]) {
            guard length <= PickleMachine.decodedLimit * 2 else {
                note(
                    .scanIncomplete, .malformed, "a \(length)-byte \(form) constant that holds a pickle was not scanned"
                )
                return
            }
            guard let text = try? reader.input.bytes(at: start, count: length), let bytes = form.decode(text) else {
                return
            }
            scanNested(ScanInput(bytes: bytes, path: reader.input.path), headed: true)
        } else if PickleMachine.startsProtocol0(head.0) {
            let lastOffset = start + length - 1
            let last = reader.bufferedByte(at: lastOffset) ?? (try? reader.input.bytes(at: lastOffset, count: 1))?.first
            if last == UInt8(ascii: ".") {
                scanNested(reader.input.slice(offset: start, count: length), headed: false)
            }
        }
    }

    /// A decoded protocol 0 string constant (STRING, UNICODE).
    mutating func sniffDecoded(_ bytes: [UInt8]) throws(PickleFault) {
        guard bytes.count >= 8, let first = bytes.first else { return }
        if let form = EncodedPickle(head: Array(bytes.prefix(4))), let decoded = form.decode(bytes) {
            scanNested(ScanInput(bytes: decoded, path: reader.input.path), headed: true)
            return
        }
        let headed = first == 0x80 && (2...5).contains(bytes[1])
        guard headed || (PickleMachine.startsProtocol0(first) && bytes.last == UInt8(ascii: ".")) else { return }
        scanNested(ScanInput(bytes: bytes, path: reader.input.path), headed: headed)
    }

    /// The first opcodes of protocol 0 pickles (unsafe-formats.md §6.1).
    static func startsProtocol0(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "c"), UInt8(ascii: "("), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "S"),
            UInt8(ascii: "V"), UInt8(ascii: "I"), UInt8(ascii: "K"), UInt8(ascii: "N"), UInt8(ascii: ")"),
            UInt8(ascii: "l"), UInt8(ascii: "d"), UInt8(ascii: "t"), UInt8(ascii: "i"), UInt8(ascii: "p"),
            UInt8(ascii: "g"):
            return true
        default:
            return false
        }
    }

    /// Scans a nested pickle and attaches its findings. A constant that does not parse completely is most
    /// likely just data (tensor bytes can start with `\x80\x02`, a sentence with `c`), so only its dangerous
    /// findings count: a truncated malicious pickle still runs its payload when loaded.
    mutating func scanNested(_ input: ScanInput, headed: Bool) {
        nestedScans += 1
        guard nestedScans <= PickleMachine.maxNestedScans else {
            note(
                .scanIncomplete, .malformed,
                "more than \(PickleMachine.maxNestedScans) constants look like pickles; the rest were not scanned")
            return
        }
        guard depth < limits.maxNestedPickleDepth else {
            if headed {
                note(
                    .scanIncomplete, .malformed,
                    "a pickle nested more than \(limits.maxNestedPickleDepth) levels deep was not scanned")
            }
            return
        }
        // `pickle.loads` of a constant: its own imports choose its profile, the outer one's by default.
        let scanner = PickleScanner(profile: fallbackProfile, limits: limits, policy: policy, selectsByContent: true)
        let result = scanner.scan(input, allowTrailingData: false, depth: depth + 1)
        let broken = result.findings.contains(where: \.stopsTheScan)
        let complete = !broken && (headed || result.opcodeCount >= 3)
        let place = "in a pickle nested in the \(currentOpcode?.name ?? "") constant at offset \(opcodeOffset)"
        attach(result.findings.filter { complete || $0.verdict == .dangerous }, place: place)
    }

    /// Adds a nested scan's findings, their detail naming where the nested pickle is (offsets stay its own).
    mutating func attach(_ nested: [ScanFinding], place: String) {
        for finding in nested {
            var copy = finding
            copy.evidence.pickleIndex = pickleIndex
            copy.evidence.detail = [place + " (offsets inside it)", finding.evidence.detail].compactMap { $0 }
                .joined(separator: "; ")
            findings.add(copy)
        }
    }
}
