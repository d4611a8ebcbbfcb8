import StemmaCore
import StemmaTestSupport
import Testing

@testable import StemmaScan

/// Issue 10, rules 1, 3 and 6 on the non-pickle side: every view a loader could take (joblib's compressions,
/// zips behind other magics), model-shaped names, absurd safetensors lengths, ONNX by content.
@Suite struct FormatViewsTests {
    let scanner = ModelScanner()

    /// `pickle.dumps(os.system-reducer, protocol=2)`: `\x80\x02cposix\nsystem\n(X…tR.`
    static let payload: [UInt8] =
        [0x80, 0x02] + Array("cposix\nsystem\n".utf8) + [0x58, 4, 0, 0, 0] + Array("echo".utf8) + [0x85, 0x52, 0x2E]

    @Test func joblibPrefixesAreRecognised() {
        #expect(JoblibStream.kind(head: [0x78, 0x9C, 0x01]) == .zlib)
        #expect(JoblibStream.kind(head: [0x78, 0x01]) == .zlib)
        #expect(JoblibStream.kind(head: Array("x^2 + y".utf8)) == .zlib)  // a header, and noise after it
        #expect(JoblibStream.kind(head: Array("xyz".utf8)) == nil)  // fails the FCHECK bits
        #expect(JoblibStream.kind(head: [0x78, 0xBB]) == nil)  // a preset dictionary: joblib never writes one
        let lzma: [UInt8] = [0x5D, 0x00, 0x00, 0x80, 0x00] + [UInt8](repeating: 0xFF, count: 8)
        #expect(JoblibStream.kind(head: lzma) == .lzma)
        #expect(JoblibStream.kind(head: [0x5D, 0x00, 0x00, 0x80, 0x00, 0x10, 0, 0, 0, 0, 0, 0, 0]) == .lzma)
        #expect(JoblibStream.kind(head: [0x5D, 0x00, 0x00, 0x80, 0x00, 0, 0, 0, 0, 0x40, 0, 0, 0]) == nil)
        #expect(JoblibStream.kind(head: [0x5D, 0x00, 0x00, 0x80]) == nil)
        // A header liblzma accepts and libarchive cannot decode is not proven, whatever the name.
        let (odd, _) = scanner.scan(bytes: lzma + [0x00, 0x41, 0x99], name: "blob.dat")
        #expect(odd.format == "lzma")
        #expect(odd.verdict == .malformed)
        let zfile = Array("ZF0x1a               ".utf8) + [0x78, 0x9C]
        #expect(JoblibStream.kind(head: zfile) == .joblibZFile)
        #expect(JoblibStream.zfileHeader(zfile)?.length == 0x1a)
        #expect(JoblibStream.zfileHeader(zfile)?.dataOffset == 21)
        #expect(JoblibStream.kind(head: Array("ZFS is a file system, not a dump".utf8)) == nil)
    }

    @Test func aTextFileThatStartsLikeZlibIsData() {
        let (file, trace) = scanner.scan(bytes: Array("x^2 + y^2 = z^2\n".utf8), name: "notes.txt")
        #expect(file.verdict == .safe)
        #expect(trace.route([]) == "data")
    }

    @Test func aZlibStreamIsScannedAsJoblib() throws {
        let compressed = try zlibCompress(Self.payload)
        let (file, trace) = scanner.scan(bytes: compressed, name: "model.pkl")
        #expect(file.format == "zlib")
        #expect(file.verdict == .dangerous)
        #expect(trace.contains { $0.route == "pickle(joblib)" })
        // Only joblib reads a zlib stream: its pickle is judged as joblib's, whatever the name says.
        #expect(scanner.scan(bytes: compressed, name: "model.pt").trace.contains { $0.route == "pickle(joblib)" })
        let zfile = Array("ZF".utf8) + Array("0x\(String(Self.payload.count, radix: 16))".utf8).padded(to: 19)
        let (old, _) = scanner.scan(bytes: zfile + compressed, name: "old.pkl")
        #expect(old.format == "joblib-zfile")
        #expect(old.verdict == .dangerous)
        // A ZF length that disagrees with the stream: joblib asserts on it, Stemma reports it.
        let wrong = Array("ZF".utf8) + Array("0x1".utf8).padded(to: 19)
        #expect(scanner.scan(bytes: wrong + compressed, name: "old.pkl").file.has("scan.malformed"))
    }

    @Test func aCorruptZlibStreamKeepsThePickleBeforeTheDamage() throws {
        var compressed = try zlibCompress(Self.payload + [UInt8](repeating: 0x4E, count: 4096))
        compressed.removeLast(8)  // cut the stream: joblib has unpickled the payload by then
        let (file, _) = scanner.scan(bytes: compressed, name: "model.joblib")
        #expect(file.verdict == .dangerous)
        #expect(file.has("scan.malformed"))
    }

    @Test func aZipBehindAnotherFormatIsAlsoScannedAsAZip() throws {
        let zip = try ZipWriter.zip([ZipEntry(name: "archive/data.pkl", data: Self.payload)])
        var header = Array("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }".utf8)
        while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
        header.append(0x0A)
        let array =
            [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header + [UInt8](repeating: 0, count: 8)
        let (file, trace) = scanner.scan(bytes: array + zip, name: "weights.npy")
        #expect(file.format == "npy+pytorch-zip")
        #expect(file.verdict == .dangerous)
        #expect(trace.contains { $0.route == "npy" })
        // The same array alone is a plain array, and four stray end-record bytes in its tail are not a zip to any
        // reader (no central directory behind them).
        #expect(scanner.scan(bytes: array, name: "weights.npy").file.verdict == .safe)
        var stray = array + [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
        stray[stray.count - 12] = 1  // one entry, a 0-byte directory at offset 0: there is no PK\x01\x02 there
        #expect(scanner.scan(bytes: stray, name: "weights.npy").file.format == "npy")
    }

    @Test func tensorRecordsAreNeverJoblibStreams() throws {
        let record: [UInt8] = [0x78, 0x9C] + [UInt8](repeating: 0x33, count: 64)
        #expect(
            try ContentSniffer.sniff(ScanInput(bytes: record, path: "t"), name: "data/0", tensorRecord: true) == .data)
        // A large member's head counts as zlib only when it inflates to the start of a pickle.
        #expect(ContentSniffer.sniffHead(record, total: 1 << 40, name: "blob") == .data)
        let stream = try zlibCompress(Self.payload)
        #expect(ContentSniffer.sniffHead(stream, total: 1 << 40, name: "blob") == .zlib)
    }

    @Test func safetensorsLengthsNear2To64AreMalformed() {
        let header = Array(#"{"a":{"dtype":"F32"}}"#.utf8)
        let absurd: [UInt8] = [0xF0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + header
        for name in ["model.safetensors", "blob.dat"] {
            let (file, _) = scanner.scan(bytes: absurd, name: name)
            #expect(file.format == "safetensors")
            #expect(file.verdict == .malformed)
        }
        // Text with a '{' at offset 8 is not a header (its length bytes are ASCII).
        #expect(scanner.scan(bytes: Array("abcdefgh{".utf8), name: "a.txt").file.verdict == .safe)
    }

    @Test(arguments: ["model.pt", "w.bin", "x.pkl", "m.safetensors", "a.gguf", "b.NPY", "c.onnx", "d.nemo"])
    func unreadableBytesUnderAModelNameAreMalformed(name: String) {
        let (file, _) = scanner.scan(bytes: Array("settings{ x }".utf8), name: name)
        #expect(file.verdict == .malformed)
        #expect(file.has("scan.not-a-model-file") || file.has("scan.malformed"))
        #expect(scanner.scan(bytes: [], name: name).file.verdict == .malformed)
    }

    @Test func unreadableBytesUnderOtherNamesAreData() {
        for name in ["README.md", "vocab.txt", "tokenizer.model", "weights.dat", "noext"] {
            let (file, _) = scanner.scan(bytes: Array("settings{ x }".utf8), name: name)
            #expect(file.verdict == .safe, "\(name)")
        }
        // A well-formed protobuf under .pb (fingerprint.pb) is not "unreadable".
        #expect(scanner.scan(bytes: [0x08, 0x7B, 0x10, 0x01], name: "fingerprint.pb").file.verdict == .safe)
    }

    @Test func onnxIsRecognisedByContent() throws {
        let model = FormatONNXTests.model(
            nodes: [FormatONNXTests.node("Add")],
            initializers: [FormatONNXTests.externalTensor("W", location: "../../etc/passwd")])
        #expect(try ONNXProbe.isModel(ScanInput(bytes: model, path: "m")))
        let (file, _) = scanner.scan(bytes: model, name: "model.dat")
        #expect(file.format == "onnx")
        #expect(file.verdict == .dangerous)
        let benign = FormatONNXTests.model(nodes: [FormatONNXTests.node("Add")])
        #expect(scanner.scan(bytes: benign, name: "model.dat").file.verdict == .safe)
        // Field order does not matter to a protobuf parser, nor do unknown fields: nor to the probe.
        let graph = Proto().string(2, "g").message(1, FormatONNXTests.node("Add"))
        let reordered = Proto().string(2, "producer").int(99, 1).message(7, graph).int(1, 8).bytes
        #expect(try ONNXProbe.isModel(ScanInput(bytes: reordered, path: "m")))
        // Protobufs that are not models: no graph, field 1 as bytes (SentencePiece, GraphDef), a graph that is a
        // varint, a graph without ir_version or opset, random bytes.
        let others: [[UInt8]] = [
            [0x08, 0x07], [0x0A, 0x01, 0x00, 0x3A, 0x00], [0x08, 0x07, 0x38, 0x01], [0x3A, 0x00, 0x12, 0x00],
            [1, 2, 3, 4],
        ]
        for bytes in others { #expect(try !ONNXProbe.isModel(ScanInput(bytes: bytes, path: "p"))) }
    }

    private func zlibCompress(_ bytes: [UInt8]) throws -> [UInt8] {
        // A stored (uncompressed) deflate block inside a zlib wrapper: enough for the reader, no zlib needed here.
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let chunk = min(65_535, bytes.count - offset)
            let last: UInt8 = offset + chunk == bytes.count ? 1 : 0
            out += [last, UInt8(chunk & 0xFF), UInt8(chunk >> 8), UInt8(~chunk & 0xFF), UInt8((~chunk >> 8) & 0xFF)]
            out += bytes[offset..<offset + chunk]
            offset += chunk
        } while offset < bytes.count
        return out + adler32(bytes)
    }

    private func adler32(_ bytes: [UInt8]) -> [UInt8] {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        let value = b << 16 | a
        return [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

extension Array where Element == UInt8 {
    /// The bytes followed by spaces up to `width`.
    fileprivate func padded(to width: Int) -> [UInt8] {
        self + [UInt8](repeating: 0x20, count: Swift.max(0, width - count))
    }
}
