import Foundation
import StemmaCore
import StemmaFormats
import StemmaTestSupport
import Synchronization
import Testing

@testable import StemmaVerification

/// Verify's scan reads the bytes that were hashed, from the same open file, and only the files verify hashes.
@Suite struct OnePassScanTests {
    /// `GLOBAL posix system`, the argument tuple, `REDUCE`, `STOP` (protocol 0): what `pickle.dumps` of a class
    /// whose `__reduce__` returns `(os.system, ("echo stemma-test",))` writes on Linux. Never loaded.
    static let maliciousPickle = Array("cposix\nsystem\n(S'echo stemma-test'\ntR.".utf8)
    /// A benign protocol-0 pickle of the same length as ``maliciousPickle`` (a string), to swap in unnoticed.
    static let benignPickle = Array(("S'" + String(repeating: "a", count: 30) + "'\np0\n.").utf8)
    /// Another benign pickle of that length: a scan of it passes, so only the identity checks can catch the swap
    /// (a scan on a pass of its own would read it and verify bytes that were never hashed).
    static let otherPickle = Array(("S'" + String(repeating: "b", count: 30) + "'\np0\n.").utf8)

    private static func request(_ model: String, signature: String, publicKey: String) -> VerifyRequest {
        VerifyRequest(model: model, signature: signature, trust: .publicKeys([publicKey]))
    }

    @Test(arguments: [nil, UInt64(16)])
    func dangerousPickleInASignedFolderFails(_ shardSize: UInt64?) throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try folder.write("m/config.json", #"{"architectures": ["Bert"]}"#)
        try folder.write("m/weights/pytorch_model.bin", Self.maliciousPickle)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"), shardSize: shardSize)

        let report = try ModelVerifier.verify(
            Self.request(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public))
        #expect(report.verdict == .failed)
        #expect(report.codes == ["scan.unsafe-file"], "\(report.findings)")
        let unsafe = try #require(report.findings.first)
        #expect(unsafe.path == "weights/pytorch_model.bin")
        #expect(unsafe.severity == .error)
        #expect(unsafe.message.contains("posix.system") || unsafe.message.contains("os.system"), "\(unsafe.message)")
    }

    @Test func dangerousPickleAsASingleFileModelFails() throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        let model = try folder.write("model.pkl", Self.maliciousPickle)
        try Fixtures.sign(model, key: keys.private, signature: folder.url("model.sig"))
        let report = try ModelVerifier.verify(
            Self.request(model, signature: folder.url("model.sig"), publicKey: keys.public))
        #expect(report.verdict == .failed)
        #expect(report.codes == ["scan.unsafe-file"], "\(report.findings)")
        #expect(report.findings.first?.path == "model.pkl")
    }

    @Test func dangerousPickleUnderAnIgnoredPathIsNotScanned() throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try folder.write("m/config.json", #"{"architectures": ["Bert"]}"#)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"))
        try folder.write("m/scratch/evil.pkl", Self.maliciousPickle)

        var request = Self.request(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        // Without the ignore rule the pickle is an unsigned file: the model fails, and the file is really there.
        let strict = try ModelVerifier.verify(request)
        #expect(strict.verdict == .failed)
        #expect(strict.codes == ["integrity.unlisted-file"], "\(strict.findings)")

        request.ignorePaths = ["scratch"]
        let report = try ModelVerifier.verify(request)
        #expect(report.verdict == .verified, "\(report.findings)")
        #expect(report.findings.isEmpty, "the ignored pickle must not be scanned: \(report.findings)")
    }

    @Test func signatureInsideTheFolderIsNotScanned() throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try folder.write("m/config.json", #"{"architectures": ["Bert"]}"#)
        var sign = SignRequest(model: folder.url("m"), privateKey: keys.private)
        sign.signature = nil
        try ModelSigner.sign(sign)
        let report = try ModelVerifier.verify(
            VerifyRequest(model: folder.url("m"), signature: nil, trust: .publicKeys([keys.public])))
        #expect(report.verdict == .verified, "\(report.findings)")
        #expect(report.findings.isEmpty)
    }

    /// The hook replaces the signed file after it is hashed and before it is scanned, by renaming another file over
    /// it (which moves the old file's change time) or by renaming its folder away and putting a new folder with a
    /// new file in its place (which leaves the old file untouched: only the path now names other bytes). The
    /// worker's descriptor still reads the signed bytes, but the model fails.
    @Test(arguments: [(nil, false), (UInt64(16), false), (nil, true), (UInt64(16), true)])
    func fileReplacedBetweenHashAndScanFails(_ shardSize: UInt64?, swapFolder: Bool) throws {
        #expect(Self.benignPickle.count == Self.maliciousPickle.count)
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try folder.write("m/config.json", #"{"architectures": ["Bert"]}"#)
        try folder.write("m/weights/model.pkl", Self.benignPickle)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"), shardSize: shardSize)
        var request = Self.request(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        #expect(try ModelVerifier.verify(request).verdict == .verified)

        let replacement = try folder.write("new/model.pkl", Self.otherPickle)
        let (weights, target) = (folder.url("m/weights"), folder.url("m/weights/model.pkl"))
        let aside = folder.url("old-weights")
        let replaced = Atomic<Int>(0)
        request.betweenHashAndScan = { name in
            guard name == "weights/model.pkl" else { return }
            replaced.add(1, ordering: .relaxed)
            if swapFolder {
                _ = rename(weights, aside)
                _ = rename(folder.url("new"), weights)
            } else {
                _ = rename(replacement, target)
            }
        }
        let report = try ModelVerifier.verify(request)
        #expect(
            replaced.load(ordering: .relaxed) == 1,
            "the hook must run exactly once, for the one job that scans the file")
        #expect(try folder.read("m/weights/model.pkl") == Self.otherPickle, "the replacement is on disk")
        #expect(report.verdict == .failed)
        let changed = report.findings.filter { $0.code == .fileChanged }
        #expect(!changed.isEmpty && changed.allSatisfy { $0.path == "weights/model.pkl" }, "\(report.findings)")
        if swapFolder {
            #expect(changed.contains { $0.message.contains("was replaced") }, "\(changed)")
        }
    }

    /// An in-place rewrite that restores the size and modification time is still noticed (the change time moves).
    @Test func fileRewrittenInPlaceBetweenHashAndScanFails() throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try folder.write("m/model.pkl", Self.benignPickle)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"))
        var request = Self.request(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        let target = folder.url("m/model.pkl")
        request.betweenHashAndScan = { _ in
            var status = stat()
            guard stat(target, &status) == 0 else { return }
            let descriptor = open(target, O_WRONLY)
            guard descriptor >= 0 else { return }
            _ = Self.otherPickle.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            var times = [status.st_atim, status.st_mtim]
            _ = futimens(descriptor, &times)
            close(descriptor)
        }
        let report = try ModelVerifier.verify(request)
        #expect(try folder.read("m/model.pkl") == Self.otherPickle, "the rewrite happened")
        #expect(report.verdict == .failed)
        #expect(report.findings.contains { $0.code == .fileChanged && $0.path == "model.pkl" }, "\(report.findings)")
    }

    /// One file bigger than a chunk and fewer files than cores: hashed through the read-ahead ring (two threads),
    /// then scanned; under ThreadSanitizer this is the test that watches the ring.
    @Test func largeSingleFileHashesThroughTheReadAheadRing() throws {
        let folder = try TemporaryFolder()
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        var bytes = [UInt8](repeating: 0, count: 5 << 20 + 12345)
        for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        let model = try folder.write("weights.bin", bytes)
        try Fixtures.sign(model, key: keys.private, signature: folder.url("w.sig"))
        let progress = HashProgress()
        let report = try ModelVerifier.verify(
            Self.request(model, signature: folder.url("w.sig"), publicKey: keys.public), progress: progress)
        #expect(report.verdict == .verified, "\(report.findings)")
        #expect(progress.bytesDone == Int64(bytes.count))
        bytes[bytes.count - 1] ^= 1
        try folder.write("weights.bin", bytes)
        #expect(
            try ModelVerifier.verify(Self.request(model, signature: folder.url("w.sig"), publicKey: keys.public))
                .codes == ["integrity.digest-mismatch"])
    }
}
