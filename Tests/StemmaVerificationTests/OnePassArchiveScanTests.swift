import StemmaCore
import StemmaFormats
import StemmaTestSupport
import Testing

@testable import StemmaVerification

/// An archive bundle is decompressed once: each member is scanned from the bytes the hasher read, as they stream
/// past (tar through `TarReader`, zip through `ZipModelReader`), and only members that are not ignored count.
@Suite struct OnePassArchiveScanTests {
    /// Packs `m` (beside it in `folder`) with the real `tar` or `zip`, whose content is what loaders unpack.
    private static func pack(_ folder: TemporaryFolder, as kind: String) throws -> String {
        switch kind {
        case "zip":
            _ = try Command.succeed("/usr/bin/zip", ["-qr", "m.zip", "m"], in: folder.path)
            return folder.url("m.zip")
        default:
            _ = try Command.succeed("/usr/bin/tar", ["-czf", "m.tar.gz", "m"], in: folder.path)
            return folder.url("m.tar.gz")
        }
    }

    @Test(arguments: ["tar.gz", "zip"])
    func dangerousMemberFailsAndNamesTheMember(_ kind: String) throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try folder.write("m/config.json", #"{"architectures": ["Bert"]}"#)
        try folder.write("m/weights/pytorch_model.bin", OnePassScanTests.maliciousPickle)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"))
        let archive = try Self.pack(folder, as: kind)

        let report = try ModelVerifier.verify(
            VerifyRequest(model: archive, signature: folder.url("m.sig"), trust: .publicKeys([keys.public])))
        #expect(report.verdict == .failed)
        #expect(report.codes == ["scan.unsafe-file"], "\(report.findings)")
        let unsafe = try #require(report.findings.first)
        #expect(unsafe.path == "weights/pytorch_model.bin")
        #expect(unsafe.message.contains("system"), "\(unsafe.message)")

        var allowed = VerifyRequest(model: archive, signature: folder.url("m.sig"), trust: .publicKeys([keys.public]))
        allowed.allowUnsafeFormats = true
        let warned = try ModelVerifier.verify(allowed)
        #expect(warned.verdict == .verified, "\(warned.findings)")
        #expect(warned.codes == ["scan.unsafe-file"])
    }

    @Test(arguments: ["tar.gz", "zip"])
    func ignoredMemberIsNotJudged(_ kind: String) throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try folder.write("m/config.json", #"{"architectures": ["Bert"]}"#)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"))
        try folder.write("m/scratch/evil.pkl", OnePassScanTests.maliciousPickle)
        let archive = try Self.pack(folder, as: kind)

        var request = VerifyRequest(model: archive, signature: folder.url("m.sig"), trust: .publicKeys([keys.public]))
        let strict = try ModelVerifier.verify(request)
        #expect(strict.codes.contains("integrity.unlisted-file"), "\(strict.findings)")
        #expect(strict.codes.contains("scan.unsafe-file"), "an unignored member is scanned: \(strict.findings)")

        request.ignorePaths = ["scratch"]
        let report = try ModelVerifier.verify(request)
        #expect(report.verdict == .verified, "\(report.findings)")
        #expect(report.findings.isEmpty, "the ignored member must not be judged: \(report.findings)")
    }
}
