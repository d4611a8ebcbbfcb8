import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

@testable import StemmaScan

@Suite struct EngineTests {
    let scanner = ModelScanner()

    @Test func contentDecidesTheFormatNotTheName() throws {
        #expect(scanner.scan(bytes: Fixture.maliciousPickle, name: "notes.txt").file.format == "pickle")
        #expect(scanner.scan(bytes: Fixture.protocolZeroPickle, name: "README").file.format == "pickle")
        #expect(scanner.scan(bytes: Fixture.benignPickle, name: "weights.bin").trace.route([]) == "pickle(torch)")
        #expect(scanner.scan(bytes: Fixture.benignPickle, name: "x.npy").trace.route([]) == "pickle(numpy)")
        #expect(scanner.scan(bytes: Fixture.benignPickle, name: "m.joblib").trace.route([]) == "pickle(joblib)")
        let zip = try ZipWriter.zip([ZipEntry(name: "a", data: [1, 2, 3])])
        #expect(scanner.scan(bytes: zip, name: "model.bin").file.format == "zip")
        #expect(scanner.scan(bytes: Array("GGUF\u{3}\0\0\0".utf8), name: "m.bin").file.format == "gguf")
        var safetensors: [UInt8] = [2, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8)
        #expect(scanner.scan(bytes: safetensors, name: "model.pt").file.format == "safetensors")
        safetensors[0] = 200  // a header longer than the file: still safetensors, and malformed
        #expect(scanner.scan(bytes: safetensors, name: "model.pt").file.format == "safetensors")
        #expect(scanner.scan(bytes: safetensors, name: "model.pt").file.verdict == .malformed)
        #expect(scanner.scan(bytes: Array("settings{ x }".utf8), name: "model.pt").file.format == "data")
        #expect(scanner.scan(bytes: [0x08, 0x07, 0x12, 0x00], name: "model.onnx").file.format == "onnx")
        #expect(scanner.scan(bytes: [0x08, 0x01], name: "x/saved_model.pb").file.format == "saved-model")
        #expect(scanner.scan(bytes: [0x08, 0x01], name: "keras_metadata.pb").file.format == "keras-metadata")
        #expect(scanner.scan(bytes: [0x08, 0x01], name: "other.pb").file.format == "protobuf")
    }

    @Test(arguments: [
        "# A model card\n\nIt does things.\n", #"{"architectures": ["Bert"], "vocab_size": 30522}"#,
        "[1, 2, 3]", "I like models.\n", "(hello) world", "Sure.", "N/A", "", "tokenizer.model ▁the ▁of",
        "cat\n",
    ])
    func textIsDataNotAPickle(text: String) {
        let (file, trace) = scanner.scan(bytes: Array(text.utf8), name: "file.txt")
        #expect(file.format == "data")
        #expect(file.verdict == .safe)
        #expect(trace.route([]) == "data")
        // Under a name a loader opens as a model it is not a readable model file (issue 10, rule 3).
        let (named, namedTrace) = scanner.scan(bytes: Array(text.utf8), name: "file.pkl")
        #expect(named.format == "data")
        #expect(named.verdict == .malformed)
        #expect(namedTrace.route([]) == "data (model-shaped name)")
    }

    /// `pickle.dumps` at protocols 0 and 1 of a dict, an OrderedDict and `[b"bytes", {1, 2}]` (CPython 3.11).
    static let pythonPickles: [[UInt8]] = [
        [
            0x28, 0x64, 0x70, 0x30, 0x0A, 0x56, 0x61, 0x0A, 0x70, 0x31, 0x0A, 0x28, 0x6C, 0x70, 0x32, 0x0A, 0x49, 0x31,
            0x0A, 0x61, 0x46, 0x32, 0x2E, 0x35, 0x0A, 0x61, 0x56, 0x78, 0x0A, 0x70, 0x33, 0x0A, 0x61, 0x4E, 0x61, 0x49,
            0x30, 0x31, 0x0A, 0x61, 0x73, 0x56, 0x62, 0x0A, 0x70, 0x34, 0x0A, 0x28, 0x49, 0x31, 0x0A, 0x49, 0x32, 0x0A,
            0x74, 0x70, 0x35, 0x0A, 0x73, 0x2E,
        ],
        [
            0x63, 0x63, 0x6F, 0x6C, 0x6C, 0x65, 0x63, 0x74, 0x69, 0x6F, 0x6E, 0x73, 0x0A, 0x4F, 0x72, 0x64, 0x65, 0x72,
            0x65, 0x64, 0x44, 0x69, 0x63, 0x74, 0x0A, 0x70, 0x30, 0x0A, 0x28, 0x74, 0x52, 0x70, 0x31, 0x0A, 0x56, 0x61,
            0x0A, 0x70, 0x32, 0x0A, 0x49, 0x31, 0x0A, 0x73, 0x2E,
        ],
        [
            0x28, 0x6C, 0x70, 0x30, 0x0A, 0x63, 0x5F, 0x63, 0x6F, 0x64, 0x65, 0x63, 0x73, 0x0A, 0x65, 0x6E, 0x63, 0x6F,
            0x64, 0x65, 0x0A, 0x70, 0x31, 0x0A, 0x28, 0x56, 0x62, 0x79, 0x74, 0x65, 0x73, 0x0A, 0x70, 0x32, 0x0A, 0x56,
            0x6C, 0x61, 0x74, 0x69, 0x6E, 0x31, 0x0A, 0x70, 0x33, 0x0A, 0x74, 0x70, 0x34, 0x0A, 0x52, 0x70, 0x35, 0x0A,
            0x61, 0x63, 0x5F, 0x5F, 0x62, 0x75, 0x69, 0x6C, 0x74, 0x69, 0x6E, 0x5F, 0x5F, 0x0A, 0x73, 0x65, 0x74, 0x0A,
            0x70, 0x36, 0x0A, 0x28, 0x28, 0x6C, 0x70, 0x37, 0x0A, 0x49, 0x31, 0x0A, 0x61, 0x49, 0x32, 0x0A, 0x61, 0x74,
            0x70, 0x38, 0x0A, 0x52, 0x70, 0x39, 0x0A, 0x61, 0x2E,
        ],
        [
            0x7D, 0x71, 0x00, 0x28, 0x58, 0x01, 0x00, 0x00, 0x00, 0x61, 0x71, 0x01, 0x5D, 0x71, 0x02, 0x28, 0x4B, 0x01,
            0x47, 0x40, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x58, 0x01, 0x00, 0x00, 0x00, 0x78, 0x71, 0x03, 0x4E,
            0x49, 0x30, 0x31, 0x0A, 0x65, 0x58, 0x01, 0x00, 0x00, 0x00, 0x62, 0x71, 0x04, 0x28, 0x4B, 0x01, 0x4B, 0x02,
            0x74, 0x71, 0x05, 0x75, 0x2E,
        ],
        [
            0x63, 0x63, 0x6F, 0x6C, 0x6C, 0x65, 0x63, 0x74, 0x69, 0x6F, 0x6E, 0x73, 0x0A, 0x4F, 0x72, 0x64, 0x65, 0x72,
            0x65, 0x64, 0x44, 0x69, 0x63, 0x74, 0x0A, 0x71, 0x00, 0x29, 0x52, 0x71, 0x01, 0x58, 0x01, 0x00, 0x00, 0x00,
            0x61, 0x71, 0x02, 0x4B, 0x01, 0x73, 0x2E,
        ],
        [
            0x5D, 0x71, 0x00, 0x28, 0x63, 0x5F, 0x63, 0x6F, 0x64, 0x65, 0x63, 0x73, 0x0A, 0x65, 0x6E, 0x63, 0x6F, 0x64,
            0x65, 0x0A, 0x71, 0x01, 0x28, 0x58, 0x05, 0x00, 0x00, 0x00, 0x62, 0x79, 0x74, 0x65, 0x73, 0x71, 0x02, 0x58,
            0x06, 0x00, 0x00, 0x00, 0x6C, 0x61, 0x74, 0x69, 0x6E, 0x31, 0x71, 0x03, 0x74, 0x71, 0x04, 0x52, 0x71, 0x05,
            0x63, 0x5F, 0x5F, 0x62, 0x75, 0x69, 0x6C, 0x74, 0x69, 0x6E, 0x5F, 0x5F, 0x0A, 0x73, 0x65, 0x74, 0x0A, 0x71,
            0x06, 0x28, 0x5D, 0x71, 0x07, 0x28, 0x4B, 0x01, 0x4B, 0x02, 0x65, 0x74, 0x71, 0x08, 0x52, 0x71, 0x09, 0x65,
            0x2E,
        ],
    ]

    @Test(arguments: pythonPickles)
    func protocolZeroAndOnePicklesFromPythonAreRecognised(bytes: [UInt8]) {
        #expect(scanner.scan(bytes: bytes, name: "state.txt").file.format == "pickle")
        #expect(PickleProbe.isPickle(bytes, total: bytes.count) == true)
    }

    @Test func protocolZeroPicklesThatImportAreScannedEvenWhenBroken() {
        // pickle.loads runs os.system before it meets the garbage at the end.
        let broken = Array("cos\nsystem\n(S'id'\ntR".utf8) + [0xFF, 0xFF]
        #expect(scanner.scan(bytes: broken, name: "x.txt").file.format == "pickle")
        #expect(scanner.scan(bytes: Array("I12\nI13\n0.".utf8), name: "x.txt").file.format == "pickle")
    }

    @Test func legacyTorchFilesScanAllPicklesAndTolerateTrailingStorage() {
        let (file, trace) = scanner.scan(bytes: Fixture.legacyTorch, name: "model.txt")
        #expect(file.format == "pytorch-legacy")
        #expect(trace.route([]) == "pickle(torch,trailing)")
    }

    @Test func tensorRecordsNeedOpcodesToCountAsPickles() throws {
        var floats: [UInt8] = [0x80, 0x03]
        var state: UInt64 = 7
        for _ in 0..<200 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            floats.append(UInt8(truncatingIfNeeded: state >> 33))
        }
        let zip = try ZipWriter.zip([
            ZipEntry(name: "archive/data.pkl", data: Fixture.benignPickle),
            ZipEntry(name: "archive/data/0", data: floats),
            ZipEntry(name: "archive/data/1", data: Fixture.maliciousPickle),
        ])
        let trace = scanner.scan(bytes: zip, name: "m.pt").trace
        #expect(trace.route(["archive/data/1"]) == "pickle(torch)")
        #expect(trace.route(["archive/data/0"]) == "data")
    }

    @Test func randomTensorBytesAreNotMistakenForPicklesOrArchives() throws {
        var state: UInt64 = 42
        var kinds: [ContentKind: Int] = [:]
        for _ in 0..<2000 {
            var record: [UInt8] = []
            for _ in 0..<512 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                record += withUnsafeBytes(of: state.bigEndian) { Array($0) }
            }
            let input = ScanInput(bytes: record, path: "t")
            kinds[try ContentSniffer.sniff(input, name: "data/0", tensorRecord: true), default: 0] += 1
            kinds[try ContentSniffer.sniff(input, name: "blob.dat"), default: 0] += 1
        }
        #expect(kinds == [.data: 4000])
    }

    @Test func foldersAreWalkedInAStableOrderAndLinksToFilesScannedThrough() throws {
        let folder = try TemporaryFolder()
        try folder.write("b/model.pkl", Fixture.maliciousPickle)
        try folder.write("a.txt", "hello")
        try folder.write(".git/lfs/objects/ab/cd/abcd", Fixture.maliciousPickle)  // git's copy: not scanned
        try folder.write(
            "c/d/e.npy", Fixture.npy("{'descr': '<i2', 'fortran_order': False, 'shape': (), }", data: [1, 0]))
        try FileManager.default.createSymbolicLink(atPath: folder.url("link.pkl"), withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: folder.url("blob.pkl"), withDestinationPath: "b/model.pkl")
        let root = folder.path + "/"
        let files = try scanner.scan(paths: [root, folder.url("a.txt")])
        let paths = files.map(\.path)
        #expect(paths == paths.sorted())
        #expect(
            Set(paths)
                == [
                    folder.path + "/a.txt", folder.url("a.txt"), folder.path + "/b/model.pkl",
                    folder.path + "/c/d/e.npy", folder.path + "/link.pkl", folder.path + "/blob.pkl",
                ])
        let link = try #require(files.first { $0.path.hasSuffix("link.pkl") })
        #expect(link.format == "symlink")
        #expect(link.has("scan.archive-link"))
        #expect(files.first { $0.path.hasSuffix("blob.pkl") }?.format == "pickle")
        #expect(files.first { $0.path.hasSuffix("e.npy") }?.verdict == .safe)
        #expect(files.first { $0.path.hasSuffix("model.pkl") }?.format == "pickle")

        let limited = try ModelScanner(limits: ScanLimits(maxFiles: 1)).scan(paths: [folder.path])
        #expect(limited.contains { $0.format == "folder" && $0.has("scan.incomplete") })
    }

    @Test func aFileWhoseNameIsNotUTF8IsScannedThroughItsRawBytes() throws {
        let folder = try TemporaryFolder()
        try folder.write("m/keep.txt", "text")
        let raw = Array(folder.url("m/caf").utf8) + [0xE9, 0x2E, 0x70, 0x6B, 0x6C, 0]  // "caf\xe9.pkl"
        let descriptor = raw.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) }
        }
        try #require(descriptor >= 0)
        _ = Fixture.maliciousPickle.withUnsafeBytes { write(descriptor, $0.baseAddress!, $0.count) }
        close(descriptor)
        let files = try scanner.scan(paths: [folder.url("m")])
        let odd = try #require(files.first { $0.path.hasSuffix("caf\\xe9.pkl") })
        #expect(odd.format == "pickle")
        #expect(odd.verdict == .dangerous)
    }

    @Test func missingPathsThrow() throws {
        #expect(throws: StemmaError.self) { try scanner.scan(paths: ["/nonexistent/stemma/model.pt"]) }
    }

    @Test func manyFilesScanInParallelWithOneResultEach() throws {
        let folder = try TemporaryFolder()
        for index in 0..<200 { try folder.write("p\(index).pkl", Fixture.benignPickle) }
        let files = try scanner.scan(paths: [folder.path])
        #expect(files.count == 200)
        #expect(Set(files.map(\.path)).count == 200)
        #expect(files.allSatisfy { $0.format == "pickle" })
    }
}
