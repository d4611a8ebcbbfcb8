import StemmaCore
import Testing

@testable import StemmaScan

@Suite struct ContainerZipTests {
    let scanner = ModelScanner()

    @Test func zipMembersAreRoutedByContentWithTheirPaths() throws {
        let zip = try ZipWriter.zip([
            ZipEntry(name: "readme.txt", data: Array("A model.\n".utf8)),
            ZipEntry(name: "weights/model.pkl", data: Fixture.maliciousPickle),
            ZipEntry(name: "notes.md", data: Fixture.protocolZeroPickle, deflate: true),
        ])
        let (file, trace) = scanner.scan(bytes: zip, name: "bundle.bin")
        #expect(file.format == "zip")
        #expect(trace.route(["readme.txt"]) == "data")
        #expect(trace.route(["weights/model.pkl"]) == "pickle(plain)")
        #expect(trace.route(["notes.md"]) == "pickle(plain)")
        #expect(file.findings.isEmpty || Fixture.pickleScannerLanded)
        if Fixture.pickleScannerLanded {  // needs the real PickleScanner
            #expect(file.verdict == .dangerous)
            #expect(file.findings.contains { $0.evidence.member == ["weights/model.pkl"] && $0.verdict == .dangerous })
            #expect(file.findings.contains { $0.evidence.member == ["notes.md"] && $0.verdict == .dangerous })
        }
    }

    @Test func aBadCRCIsReportedAndTheNextMemberIsStillScanned() throws {
        let zip = try ZipWriter.zip([
            ZipEntry(name: "first.pkl", data: Fixture.benignPickle, crc: 0xDEAD_BEEF),
            ZipEntry(name: "second.pkl", data: Fixture.maliciousPickle, deflate: true, crc: 1),
            ZipEntry(name: "third.pkl", data: Fixture.maliciousPickle),
        ])
        let (file, trace) = scanner.scan(bytes: zip, name: "model.zip")
        #expect(file.has("scan.container-integrity", member: ["first.pkl"]))
        #expect(file.has("scan.container-integrity", member: ["second.pkl"]))
        #expect(!file.has("scan.container-integrity", member: ["third.pkl"]))
        #expect(trace.route(["second.pkl"]) == "pickle(plain)")
        #expect(trace.route(["third.pkl"]) == "pickle(plain)")
        #expect(file.verdict >= .suspicious)
    }

    @Test func nestedZipsAreOpenedUpToTheDepthLimit() throws {
        let inner = try ZipWriter.zip([ZipEntry(name: "x.pkl", data: Fixture.maliciousPickle)])
        let outer = try ZipWriter.zip([ZipEntry(name: "inner.zip", data: inner, deflate: true)])
        let (file, trace) = scanner.scan(bytes: outer, name: "outer.zip")
        #expect(trace.route(["inner.zip"]) == "zip")
        #expect(trace.route(["inner.zip", "x.pkl"]) == "pickle(plain)")
        if Fixture.pickleScannerLanded {  // needs the real PickleScanner
            #expect(
                file.findings.contains { $0.evidence.member == ["inner.zip", "x.pkl"] && $0.verdict == .dangerous })
        }

        let shallow = ModelScanner(limits: ScanLimits(maxDepth: 1))
        let (limited, limitedTrace) = shallow.scan(bytes: outer, name: "outer.zip")
        #expect(limited.has("scan.incomplete", member: ["inner.zip"]))
        #expect(limited.verdict >= .malformed)
        #expect(limitedTrace.route(["inner.zip", "x.pkl"]) == nil)
    }

    @Test func theMemberLimitStopsTheScanAsIncomplete() throws {
        let zip = try ZipWriter.zip((0..<5).map { ZipEntry(name: "m\($0).pkl", data: Fixture.benignPickle) })
        let (file, _) = ModelScanner(limits: ScanLimits(maxMembers: 2)).scan(bytes: zip, name: "many.zip")
        #expect(file.has("scan.incomplete"))
        #expect(file.verdict == .malformed)
        let (whole, _) = scanner.scan(bytes: zip, name: "many.zip")
        #expect(whole.verdict == .safe)
    }

    @Test func aZipBombIsCutOffByTheRatioLimit() throws {
        let zip = try ZipWriter.zip([
            ZipEntry(name: "zeros.bin", data: [UInt8](repeating: 0, count: 1 << 20), deflate: true)
        ])
        let (file, _) = ModelScanner(limits: ScanLimits(maxCompressionRatio: 10)).scan(bytes: zip, name: "bomb.zip")
        #expect(file.has("scan.incomplete", member: ["zeros.bin"]))
        #expect(file.verdict == .malformed)
        let pickle = try ZipWriter.zip([
            ZipEntry(name: "big.pkl", data: Fixture.benignPickle + [UInt8](repeating: 0, count: 1 << 20), deflate: true)
        ])
        let small = ModelScanner(limits: ScanLimits(maxMemberBytes: 1000))
        #expect(small.scan(bytes: pickle, name: "p.zip").file.has("scan.incomplete", member: ["big.pkl"]))
        // Too large to keep, a member is inflated once and streamed past: zeros past the ratio are a bomb, raw
        // data within it passes as data, and an ONNX model (no magic, any name) is incomplete, never data.
        #expect(small.scan(bytes: zip, name: "bomb.zip").file.has("scan.incomplete", member: ["zeros.bin"]))
        var generator = PickleFuzzTests.SeededGenerator(state: 7)
        let noise = (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let (data, dataTrace) = small.scan(
            bytes: try ZipWriter.zip([ZipEntry(name: "blob", data: noise, deflate: true)]), name: "noise.zip")
        #expect(data.findings.isEmpty)
        #expect(dataTrace.route(["blob"]) == "data (streamed)")
        let tensor = Proto().int(1, 4).int(2, 1).string(8, "w").data(9, noise)
        let model = Proto().int(1, 8).message(7, Proto().string(2, "main").message(5, tensor)).bytes
        let onnx = small.scan(
            bytes: try ZipWriter.zip([ZipEntry(name: "blob", data: model, deflate: true)]), name: "onnx.zip")
        #expect(onnx.file.has("scan.incomplete", member: ["blob"]), "\(onnx.file.findings)")
    }

    @Test func localAndCentralNamesThatDifferAreAnAnomaly() throws {
        let zip = try ZipWriter.zip([
            ZipEntry(name: "archive/data.pkl", data: Fixture.maliciousPickle, localName: "archive/innocent")
        ])
        let (file, trace) = scanner.scan(bytes: zip, name: "model.pt")
        #expect(file.has("scan.container-anomaly", member: ["archive/data.pkl"]))
        #expect(file.verdict >= .suspicious)
        #expect(trace.route(["archive/data.pkl"]) == "pickle(torch)")
    }

    @Test func encryptedMembersAreNeverSafe() throws {
        let zip = try ZipWriter.zip([ZipEntry(name: "data.pkl", data: Fixture.benignPickle, flags: 1)])
        let (file, _) = scanner.scan(bytes: zip, name: "locked.zip")
        #expect(file.has("scan.unscannable-member", member: ["data.pkl"]))
        #expect(file.verdict == .malformed)
    }

    @Test func unknownCompressionMethodsAreUnscannableAndTheRestStillScanned() throws {
        let zip = try ZipWriter.zip([
            ZipEntry(name: "a.pkl", data: Fixture.benignPickle, directoryMethod: 12),
            ZipEntry(name: "b.pkl", data: Fixture.benignPickle),
        ])
        let (file, trace) = scanner.scan(bytes: zip, name: "m.zip")
        #expect(file.has("scan.unscannable-member", member: ["a.pkl"]))
        #expect(file.has("scan.container-anomaly", member: ["a.pkl"]))
        #expect(file.verdict == .malformed)
        #expect(trace.route(["b.pkl"]) == "pickle(plain)")
    }

    @Test func pytorchZipsScanTheirPicklesAndFlagTorchScriptCode() throws {
        let zip = try ZipWriter.zip([
            ZipEntry(name: "archive/data.pkl", data: Fixture.benignPickle),
            ZipEntry(name: "archive/data/0", data: [0x80, 0x02, 0xFF, 0xEE] + [UInt8](repeating: 7, count: 60)),
            ZipEntry(name: "archive/extra_state", data: Fixture.protocolZeroPickle),
            ZipEntry(name: "archive/code/__torch__/model.py", data: Array("def forward(self): ...".utf8)),
            ZipEntry(name: "archive/version", data: Array("3\n".utf8)),
        ])
        let (file, trace) = scanner.scan(bytes: zip, name: "model.txt")
        #expect(file.format == "pytorch-zip")
        #expect(trace.route(["archive/data.pkl"]) == "pickle(torch)")
        #expect(trace.route(["archive/data/0"]) == "data")
        #expect(trace.route(["archive/extra_state"]) == "pickle(torch)")
        #expect(file.has("scan.torchscript-code"))
        #expect(file.verdict == .suspicious || Fixture.pickleScannerLanded)

        let plain = try ZipWriter.zip([ZipEntry(name: "archive/data.pkl", data: Fixture.benignPickle)])
        #expect(scanner.scan(bytes: plain, name: "model.pt").file.verdict == .safe || Fixture.pickleScannerLanded)
    }

    @Test func unsafePathsAreSuspiciousDuplicatesAndLinksAmbiguous() throws {
        let zip = try ZipWriter.zip([
            ZipEntry(name: "../../etc/evil.pkl", data: Fixture.benignPickle),
            ZipEntry(name: "/abs.txt", data: [1]),
            ZipEntry(name: "twice.txt", data: [1]),
            ZipEntry(name: "twice.txt", data: [2]),
            ZipEntry(name: "link", data: Array("/etc/passwd".utf8), externalAttributes: 0o120777 << 16),
        ])
        let (file, _) = scanner.scan(bytes: zip, name: "slip.zip")
        #expect(file.has("scan.unsafe-member-path", member: ["../../etc/evil.pkl"]))
        #expect(file.has("scan.unsafe-member-path", member: ["/abs.txt"]))
        #expect(file.has("scan.container-anomaly", member: ["twice.txt"]))
        #expect(file.has("scan.archive-link", member: ["link"]))
        // A repeated name and a link are ambiguities (zipfile and unzip unpack them differently): malformed.
        #expect(file.verdict == .malformed)
    }

    @Test func kerasArchivesAndNpzAreRecognised() throws {
        let keras = try ZipWriter.zip([
            ZipEntry(name: "config.json", data: Array(#"{"class_name": "Sequential"}"#.utf8)),
            ZipEntry(name: "metadata.json", data: Array("{}".utf8)),
            ZipEntry(name: "model.weights.h5", data: [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A] + [0, 0]),
        ])
        let (file, trace) = scanner.scan(bytes: keras, name: "model.keras")
        #expect(file.format == "keras")
        #expect(trace.route(["model.weights.h5"]) == "hdf5")
        #expect(trace.route(["config.json"]) == "json")

        let array = Fixture.npy("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }", data: Fixture.benignPickle)
        let npz = try ZipWriter.zip([ZipEntry(name: "a.npy", data: array, deflate: true)])
        let (npzFile, npzTrace) = scanner.scan(bytes: npz, name: "arrays.npz")
        #expect(npzFile.format == "npz")
        #expect(npzTrace.route(["a.npy"]) == "pickle(numpy)")
    }

    @Test func aZipAfterJunkIsFoundByItsEndRecord() throws {
        let zip = try ZipWriter.zip(
            [ZipEntry(name: "x.pkl", data: Fixture.maliciousPickle)], prefix: Array("GIF89a junk".utf8))
        let (file, trace) = scanner.scan(bytes: zip, name: "image.gif")
        #expect(file.format == "zip")
        #expect(file.has("scan.container-anomaly"))
        #expect(trace.route(["x.pkl"]) == "pickle(plain)")
    }

    @Test func zip64EndRecordsAreFollowed() throws {
        let zip = try ZipWriter.zip(
            [ZipEntry(name: "a.txt", data: [1]), ZipEntry(name: "b.pkl", data: Fixture.benignPickle)], zip64: true)
        let (file, trace) = scanner.scan(bytes: zip, name: "big.zip")
        #expect(file.format == "zip")
        #expect(file.findings.isEmpty || Fixture.pickleScannerLanded)
        #expect(trace.route(["b.pkl"]) == "pickle(plain)")
    }

    @Test func truncatedOrCorruptZipsAreMalformed() throws {
        let zip = try ZipWriter.zip([ZipEntry(name: "x.pkl", data: Fixture.maliciousPickle, deflate: true)])
        let (cut, _) = scanner.scan(bytes: Array(zip.prefix(20)), name: "cut.zip")
        #expect(cut.verdict == .malformed)
        var corrupt = zip
        for index in 40..<44 { corrupt[index] ^= 0xFF }  // inside the deflate data
        let (bad, _) = scanner.scan(bytes: corrupt, name: "bad.zip")
        #expect(bad.verdict >= .suspicious)
    }
}

@Suite struct ContainerZipViewTests {
    @Test func theBytesInFrontOfAZipAreScannedAsTheirOwnView() throws {
        // A pickle in front of a zip: zipfile opens the zip behind it, pickle.load the pickle in front.
        let zip = try ZipWriter.zip(
            [ZipEntry(name: "readme.txt", data: Array("A model.\n".utf8))], prefix: Fixture.protocolZeroPickle)
        let (file, trace) = ModelScanner().scan(bytes: zip, name: "model.bin")
        #expect(file.format == "zip")
        #expect(file.has("scan.container-anomaly"))
        #expect(trace.route([ScanSession.zipPrefixMember]) == "pickle(plain)")
        #expect(
            file.findings.contains { $0.evidence.member == [ScanSession.zipPrefixMember] && $0.verdict == .dangerous })
    }
}
