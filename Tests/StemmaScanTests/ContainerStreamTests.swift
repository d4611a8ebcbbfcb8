import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

@testable import StemmaScan

@Suite struct ContainerStreamTests {
    let scanner = ModelScanner()

    @Test func tarMembersAreScannedAndUnsafePathsAndLinksReported() throws {
        let tar = TarWriter.tar([
            ("model/data.pkl", .file(Fixture.maliciousPickle)),
            ("../escape.txt", .file(Array("hi".utf8))),
            ("model/link", .symlink("/etc/passwd")),
            ("model/hard", .hardLink("model/data.pkl")),
        ])
        let (file, trace) = scanner.scan(bytes: tar, name: "bundle.dat")
        #expect(file.format == "tar")
        #expect(trace.route(["model/data.pkl"]) == "pickle(plain)")
        #expect(file.has("scan.unsafe-member-path", member: ["../escape.txt"]))
        #expect(file.has("scan.archive-link", member: ["model/link"]))
        #expect(file.has("scan.archive-link", member: ["model/hard"]))
        #expect(file.verdict >= .suspicious)
    }

    @Test func membersTooLargeForMemoryPassOnlyAsRawData() throws {
        var blob = [UInt8](repeating: 0x41, count: 300_000)
        blob[0] = 0xFF
        let tar = TarWriter.tar([
            ("weights.raw", .file(blob)), ("model.pkl", .file(Fixture.benignPickle + blob)),
            ("small.pkl", .file(Fixture.benignPickle)),
        ])
        let (file, trace) = ModelScanner(limits: ScanLimits(maxMemberBytes: 100_000)).scan(bytes: tar, name: "m.tar")
        #expect(trace.route(["weights.raw"]) == "data (streamed)")
        #expect(!file.has("scan.incomplete", member: ["weights.raw"]))
        #expect(trace.route(["model.pkl"]) == "pickle (too large)")
        #expect(file.has("scan.incomplete", member: ["model.pkl"]))
        #expect(trace.route(["small.pkl"]) == "pickle(plain)")
        #expect(file.verdict == .malformed)
    }

    @Test func rawDataIsStreamedPastButAZipBehindItIsNotProvenSafe() throws {
        let data = [UInt8](repeating: 0x41, count: 200_000)
        let zip = try ZipWriter.zip([ZipEntry(name: "data.pkl", data: Fixture.benignPickle)])
        let tar = TarWriter.tar([("weights.bin", .file(data)), ("hidden.bin", .file(data + zip))])
        // Raw data up to the member bound (here 100,000 bytes) is kept and scanned whole, with every view; past
        // it, it is streamed and only its tail is checked.
        let (file, trace) = ModelScanner(limits: ScanLimits(maxMemberBytes: 100_000)).scan(bytes: tar, name: "m.tar")
        #expect(trace.route(["weights.bin"]) == "data (streamed)")
        #expect(trace.route(["hidden.bin"]) == "data (streamed)")
        #expect(!file.has("scan.malformed", member: ["weights.bin"]))
        #expect(file.has("scan.malformed", member: ["hidden.bin"]))
        #expect(file.verdict == .malformed)
    }

    @Test func legacyTorchTarsScanEveryMemberAsTorchPickles() throws {
        let tar = TarWriter.tar([
            ("sys_info", .file(Fixture.benignPickle)),
            ("pickle", .file(Fixture.benignPickle)),
            ("storages", .file(Fixture.benignPickle + [1, 2, 3])),
            ("tensors", .file(Fixture.benignPickle)),
        ])
        let (file, trace) = scanner.scan(bytes: tar, name: "old.pt")
        #expect(file.format == "tar")
        for member in ["sys_info", "pickle", "storages", "tensors"] {
            #expect(trace.route([member]) == "pickle(torch,trailing)")
        }
    }

    @Test func compressedStreamsAreScannedByTheirContent() throws {
        let (pickle, pickleTrace) = scanner.scan(bytes: try Fixture.gzip(Fixture.maliciousPickle), name: "model.pkl.gz")
        #expect(pickle.format == "gzip")
        #expect(pickleTrace.route(["model.pkl"]) == "pickle(joblib)")

        let tar = TarWriter.tar([("a/data.pkl", .file(Fixture.benignPickle))])
        let (tarFile, tarTrace) = scanner.scan(bytes: try Fixture.gzip(tar), name: "bundle.tgz")
        #expect(tarFile.format == "tar+gzip")
        #expect(tarTrace.route(["a/data.pkl"]) == "pickle(plain)")
        #expect(tarFile.verdict == .safe || Fixture.pickleScannerLanded)
    }

    @Test(arguments: [("xz", "xz"), ("bzip2", "bzip2"), ("zstd", "zstd"), ("lz4", "lz4")])
    func otherCompressorsAreOpenedToo(tool: String, format: String) throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("model.pkl", Fixture.maliciousPickle)
        let options = tool == "lz4" ? ["-q", "-k", "-m"] : ["-q", "-k"]  // lz4 alone would write to the pipe
        guard (try? Command.run(tool, options + [path]))?.status == 0 else { return }  // tool not installed
        let compressed = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0 != "model.pkl" }
        let name = try #require(compressed.first)
        let (file, trace) = scanner.scan(bytes: try folder.read(name), name: name)
        #expect(file.format == format)
        #expect(trace.route(["model.pkl"]) == "pickle(joblib)")
    }

    @Test func aGzipBombIsIncomplete() throws {
        let bomb = try Fixture.gzip([UInt8](repeating: 0, count: 4 << 20))
        let (file, _) = ModelScanner(limits: ScanLimits(maxCompressionRatio: 20)).scan(bytes: bomb, name: "z.gz")
        #expect(file.has("scan.incomplete"))
        #expect(file.verdict == .malformed)
    }

    @Test func sevenZipAndRarAreNeverSafe() throws {
        let sevenZip = [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04] + [UInt8](repeating: 0x41, count: 100)
        let (file, _) = scanner.scan(bytes: sevenZip, name: "model.pt")
        #expect(file.format == "7z")
        #expect(file.has("scan.nonstandard-container"))
        #expect(file.verdict >= .malformed)

        let (real, realTrace) = scanner.scan(bytes: Fixture.sevenZip, name: "model.pt")
        #expect(real.format == "7z")
        #expect(real.has("scan.nonstandard-container"))
        #expect(realTrace.route(["model/data.pkl"]) == "pickle(plain)")
        #expect(real.verdict >= .suspicious)

        let (wrapped, wrappedTrace) = scanner.scan(bytes: try Fixture.gzip(Fixture.sevenZip), name: "model.bin")
        #expect(wrapped.format == "gzip")
        #expect(wrapped.has("scan.nonstandard-container", member: ["model.bin"]))
        #expect(wrappedTrace.route(["model.bin", "model/data.pkl"]) == "pickle(plain)")

        let rar = Array("Rar!\u{1A}\u{07}\u{01}\u{00}".utf8) + [UInt8](repeating: 0, count: 64)
        let (rarFile, _) = scanner.scan(bytes: rar, name: "weights.bin")
        #expect(rarFile.format == "rar")
        #expect(rarFile.verdict >= .suspicious)
    }

    @Test func npyArraysAreCheckedAndObjectArraysScannedAsPickles() throws {
        let valid = Fixture.npy(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data: [UInt8](repeating: 0, count: 24))
        let (file, trace) = scanner.scan(bytes: valid, name: "weights.dat")
        #expect(file.format == "npy")
        #expect(file.verdict == .safe)
        #expect(trace.route([]) == "npy")

        let short = Fixture.npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000,), }", data: [0, 0])
        #expect(scanner.scan(bytes: short, name: "a.npy").file.verdict == .malformed)

        let object = Fixture.npy(
            "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: Fixture.maliciousPickle)
        let (objectFile, objectTrace) = scanner.scan(bytes: object, name: "a.npy")
        #expect(objectTrace.route([]) == "pickle(numpy)")
        if Fixture.pickleScannerLanded { #expect(objectFile.verdict == .dangerous) }  // needs the real PickleScanner

        let structured = Fixture.npy(
            "{'descr': [('Open', '<f4'), ('x', [('y', '|O')])], 'fortran_order': False, 'shape': (1,), }",
            data: Fixture.benignPickle)
        #expect(scanner.scan(bytes: structured, name: "s.npy").trace.route([]) == "pickle(numpy)")
        let named = Fixture.npy(
            "{'descr': [('Open', '<f4'), ('b', '<U2', (2,))], 'fortran_order': True, 'shape': (1,), }",
            data: [UInt8](repeating: 0, count: 20))
        #expect(scanner.scan(bytes: named, name: "s.npy").file.verdict == .safe)
        let garbage = Fixture.npy("{'descr': __import__('os'), }", data: [])
        #expect(scanner.scan(bytes: garbage, name: "g.npy").file.verdict == .malformed)
    }

    @Test(arguments: [
        ("<f4", 4), ("|b1", 1), ("<U10", 40), ("|S5", 5), ("V8", 8), ("<M8[ns]", 8), ("<c16", 16), ("?", 1),
    ])
    func npyItemSizes(type: String, size: Int) throws {
        #expect(try NumpyHeader.itemSize(type) == size)
    }
}
