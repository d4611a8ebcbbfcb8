import StemmaArchive
import StemmaCore

/// What an input's bytes are, as far as scanning is concerned.
enum ContentKind: String, Sendable {
    case zip
    case sevenZip = "7z"
    case rar, gzip, bzip2, xz, lz4, zstd, tar, npy, hdf5, gguf, safetensors, pickle, onnx
    case savedModel = "saved-model"
    case kerasMetadata = "keras-metadata"
    /// joblib's own compressions, which only `joblib.load` opens: a zlib stream (`0x78`), a raw LZMA stream
    /// (`5D 00`) and the pre-0.10 `ZF` container (see ``JoblibStream``).
    case zlib, lzma
    case joblibZFile = "joblib-zfile"
    /// `saved_model.pbtxt`: a SavedModel in protobuf text format.
    case savedModelText = "saved-model-text"
    /// A `config.json`: a Keras config when its top level is a serialised Keras object.
    case jsonConfig = "json-config"
    /// A Jinja chat template: `*.jinja`, or the `chat_template` of a `tokenizer_config.json`.
    case chatTemplate = "chat-template"
    case tokenizerConfig = "tokenizer-config"
    /// A YAML file, which Hydra and NeMo instantiate through its `_target_` keys.
    case yaml
    case data

    /// Formats read through libarchive: tar, 7z, rar and single compressed streams.
    var isStreamArchive: Bool {
        switch self {
        case .sevenZip, .rar, .gzip, .bzip2, .xz, .lz4, .zstd, .tar: return true
        default: return false
        }
    }

    /// joblib's compressions, decompressed in memory and scanned as what they hold.
    var isJoblibCompressed: Bool { self == .zlib || self == .lzma || self == .joblibZFile }
}

/// Identifies inputs by their magic bytes, never by their names (a pickle named `.txt` is a pickle); only
/// formats without a magic are recognised by name (`*.onnx`, `saved_model.pb`, `keras_metadata.pb`,
/// `saved_model.pbtxt`, `config.json`, `tokenizer_config.json`, `*.jinja`, `*.yaml`), and ONNX also by content.
///
/// A file may carry more than one magic (a polyglot); ``extraViews(_:primary:)`` lists the other loaders' views.
enum ContentSniffer {
    /// Bytes read from the start of every input: enough for a tar header.
    static let headSize = 512

    /// The kind of `input`, whose file or member name is `name`.
    /// - Parameter tensorRecord: true for bytes no loader unpickles or opens (a PyTorch tensor record): random
    ///   numbers there start with `\x80\x02` or hold a stray end record now and then, so only magic at offset 0
    ///   counts and a pickle must be proven by its opcodes (see ``PickleProbe``).
    /// - Throws: ``StemmaError`` when the input cannot be read.
    static func sniff(_ input: ScanInput, name: String, tensorRecord: Bool = false) throws(StemmaError)
        -> ContentKind
    {
        let head = try input.bytes(at: 0, count: headSize)
        if let kind = magicKind(head, count: input.count, strictPickleMagic: !tensorRecord) { return kind }
        if tensorRecord {
            if head.starts(with: hdf5Signature) { return .hdf5 }
        } else {
            if try hasHDF5Signature(input) { return .hdf5 }
            if try ZipArchive.endOfCentralDirectory(in: input) != nil { return .zip }
        }
        if !head.isEmpty {
            var verdict = PickleProbe.isPickle(head, total: input.count)
            if verdict == nil {
                let window = try input.bytes(at: 0, count: PickleProbe.window)
                verdict = PickleProbe.isPickle(window, total: input.count)
            }
            if verdict == true { return .pickle }
        }
        if !tensorRecord, let kind = try JoblibStream.kind(input) { return kind }
        if let kind = nameKind(name) { return kind }
        if !tensorRecord, (try? ONNXProbe.isModel(input)) == true { return .onnx }
        return .data
    }

    /// The other views of a file already sniffed as `primary`: a zip end record (Python's `zipfile`, so Keras and
    /// `numpy.load`, opens any file with one, whatever comes first) and an HDF5 superblock at a user-block
    /// boundary (h5py skips what comes before it).
    static func extraViews(_ input: ScanInput, primary: ContentKind) throws(StemmaError) -> [ContentKind] {
        var views: [ContentKind] = []
        if primary != .zip, let end = try ZipArchive.endOfCentralDirectory(in: input),
            try hasCentralDirectory(input, endRecord: end)
        {
            views.append(.zip)
        }
        if primary != .hdf5, try hasHDF5Signature(input) { views.append(.hdf5) }
        return views
    }

    /// The kind of a member too large to bring into memory, from its first bytes alone (up to
    /// ``PickleProbe/window``): magic at offset 0 and the pickle probe against the member's real size.
    /// - Parameter joblib: whether to look for joblib's compressions (not inside one's own head: a zlib quine
    ///   would recurse forever).
    static func sniffHead(_ head: [UInt8], total: Int, name: String, joblib: Bool = true) -> ContentKind {
        if let kind = magicKind(head, count: total, strictPickleMagic: true) { return kind }
        if head.starts(with: hdf5Signature) { return .hdf5 }
        if !head.isEmpty, PickleProbe.isPickle(head, total: total) != false { return .pickle }
        if joblib, let kind = JoblibStream.kind(head: head), JoblibStream.headInflatesToAPickle(head, kind: kind) {
            return kind
        }
        return nameKind(name) ?? .data
    }

    private static func magicKind(_ head: [UInt8], count: Int, strictPickleMagic: Bool) -> ContentKind? {
        func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
            head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) { return .zip }
        if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) { return .sevenZip }
        if starts(Array("Rar!\u{1A}\u{07}".utf8)) { return .rar }
        if starts([0x1F, 0x8B, 0x08]) { return .gzip }  // gzip's only compression method is deflate (8)
        if starts(Array("BZh".utf8)) { return .bzip2 }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .xz }
        if starts([0x04, 0x22, 0x4D, 0x18]) { return .lz4 }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .zstd }
        if starts([0x93] + Array("NUMPY".utf8)) { return .npy }
        if starts(Array("GGUF".utf8)) { return .gguf }
        if strictPickleMagic, head.count >= 2, head[0] == 0x80, (2...5).contains(head[1]) { return .pickle }
        if starts(Array("ustar".utf8), at: 257) || isOldTarHeader(head) { return .tar }
        // An 8-byte little-endian header length under 4 GiB (its top four bytes zero, which text never has) and
        // a '{': a safetensors file, even when the length is a lie; the check reports a header past the end. A
        // length of 2^63 or more (top byte not ASCII) before '{' and JSON-looking text is an absurd header (random
        // tensor bytes match the first two tests one time in 512, the text test almost never).
        if head.count >= 9, head[8] == UInt8(ascii: "{") {
            let text = head.count >= 17 && head[9..<17].allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x0A }
            if head[4..<8].allSatisfy({ $0 == 0 }) || (head[7] >= 0x80 && text) { return .safetensors }
        }
        return nil
    }

    /// Whether the end record at `end` leads to a central directory a zip reader would take: `PK\x01\x02` where
    /// Python's `zipfile` looks (just before the end record, allowing for data prepended to the zip) or at the
    /// recorded offset, or zip64 markers (whose records the zip scan checks). Four stray bytes `PK\x05\x06` in
    /// the tail of a tensor are not a zip to any reader, so they are not a view; an empty directory is nothing
    /// to load.
    private static func hasCentralDirectory(_ input: ScanInput, endRecord end: Int) throws(StemmaError) -> Bool {
        let record = try input.bytes(at: end, count: 22)
        guard record.count == 22 else { return false }
        func value(_ offset: Int, _ width: Int) -> Int {
            (0..<width).reduce(0) { $0 | Int(record[offset + $1]) << (8 * $1) }
        }
        let (entries, size, offset) = (value(10, 2), value(12, 4), value(16, 4))
        if entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF { return true }
        guard entries > 0 else { return false }
        let signature: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
        for start in [end - size, offset] where start >= 0 && start <= input.count - 4 {
            if try input.bytes(at: start, count: 4) == signature { return true }
        }
        return false
    }

    /// A pre-POSIX tar header: a name, and a checksum field that matches the header's byte sum.
    private static func isOldTarHeader(_ head: [UInt8]) -> Bool {
        guard head.count == 512, head[0] != 0 else { return false }
        var stored = 0
        var digits = 0
        for byte in head[148..<156] {
            if byte >= 0x30 && byte <= 0x37 {
                stored = stored * 8 + Int(byte - 0x30)
                digits += 1
            } else if byte == 0 || byte == 0x20 {
                if digits > 0 { break }
            } else {
                return false
            }
        }
        guard digits > 0 else { return false }
        var sum = 0
        for (index, byte) in head.enumerated() { sum += (148..<156).contains(index) ? 0x20 : Int(byte) }
        return sum == stored
    }

    /// HDF5's superblock may sit at 0, 512, 1024, 2048, … (a user block before it).
    private static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    static func hasHDF5Signature(_ input: ScanInput) throws(StemmaError) -> Bool {
        var offset = 0
        while offset <= input.count - 8 {
            if try input.bytes(at: offset, count: 8) == hdf5Signature { return true }
            offset = offset == 0 ? 512 : offset * 2
        }
        return false
    }

    /// Formats without a magic number, by name.
    static func nameKind(_ name: String) -> ContentKind? {
        let base = name.split(separator: "/").last.map(String.init)?.lowercased() ?? ""
        if base.hasSuffix(".onnx") { return .onnx }
        if base == "saved_model.pb" { return .savedModel }
        if base == "keras_metadata.pb" { return .kerasMetadata }
        if base == "saved_model.pbtxt" { return .savedModelText }
        if base == "config.json" { return .jsonConfig }
        if base == "tokenizer_config.json" { return .tokenizerConfig }
        if base.hasSuffix(".jinja") || base.hasSuffix(".jinja2") { return .chatTemplate }
        if base.hasSuffix(".yaml") || base.hasSuffix(".yml") { return .yaml }
        return nil
    }

    /// Extensions a loader opens as a model (issue 10, rule 3): unknown bytes under one of these names are not a
    /// readable model, never plain data.
    static let modelExtensions: Set<String> = [
        "pkl", "pickle", "pt", "pth", "bin", "ckpt", "joblib", "npy", "npz", "h5", "hdf5", "keras", "pb", "onnx",
        "safetensors", "gguf", "mar", "nemo",
    ]

    /// Whether `name` ends in one of ``modelExtensions`` (case-insensitively).
    static func isModelShaped(_ name: String) -> Bool {
        let base = name.split(separator: "/").last.map { $0.lowercased() } ?? ""
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return false }
        return modelExtensions.contains(String(base[base.index(after: dot)...]))
    }
}
