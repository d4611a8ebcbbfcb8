import Foundation
import StemmaCore
import StemmaFormats
import StemmaTestSupport
import StemmaVerification
import Testing

@Suite struct SignAndVerifyTests {
    @Test func rootDigestMatchesModelSigningKnownAnswer() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        let result = try Fixtures.sign(fixture.model, key: fixture.key, signature: folder.url("m.sig"))
        #expect(result.rootDigest == Fixtures.knownAnswerRootDigest)
        #expect(result.fileCount == 10)
    }

    @Test(arguments: [nil, UInt64(1), UInt64(3), UInt64(1 << 20)])
    func signedModelVerifies(_ shardSize: UInt64?) throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        try Fixtures.sign(fixture.model, key: fixture.key, signature: folder.url("m.sig"), shardSize: shardSize)
        let report = try Fixtures.verify(fixture.model, signature: folder.url("m.sig"), publicKey: fixture.publicKey)
        #expect(report.verdict == .verified, "\(report.findings)")
        #expect(report.findings.isEmpty)
        #expect(report.method == (shardSize == nil ? "files" : "shards"))
    }

    @Test func signatureInsideTheFolderIsFoundAndNotHashed() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        var request = SignRequest(model: fixture.model, privateKey: fixture.key)
        request.signature = nil
        let result = try ModelSigner.sign(request)
        #expect(result.signaturePath == fixture.model + "/model.sig")
        let report = try ModelVerifier.verify(
            VerifyRequest(model: fixture.model, signature: nil, trust: .publicKeys([fixture.publicKey])))
        #expect(report.verdict == .verified)
    }

    @Test func singleFileModelUsesDotAsItsName() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("model.bin", [1, 2, 3, 4])
        let keys = try TestKeys.generate("P-384", named: "k", in: folder)
        try Fixtures.sign(path, key: keys.private, signature: folder.url("model.bin.sig"))
        let payload = try String(contentsOfFile: folder.url("model.bin.sig"), encoding: .utf8)
        #expect(payload.contains("\"payload\""))
        let report = try ModelVerifier.verify(
            VerifyRequest(model: path, signature: nil, trust: .publicKeys([keys.public])))
        #expect(report.verdict == .verified, "\(report.findings)")
        try folder.write("model.bin", [1, 2, 3, 5])
        #expect(
            try Fixtures.verify(path, signature: folder.url("model.bin.sig"), publicKey: keys.public).codes == [
                "integrity.digest-mismatch"
            ])
    }

    @Test func changedAddedAndRemovedFilesFail() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        let signature = folder.url("m.sig")
        try Fixtures.sign(fixture.model, key: fixture.key, signature: signature)
        try folder.write("m/a0", "changed")
        try folder.write("m/extra.bin", "new")
        try FileManager.default.removeItem(atPath: folder.url("m/b/c"))
        let report = try Fixtures.verify(fixture.model, signature: signature, publicKey: fixture.publicKey)
        #expect(report.verdict == .failed)
        #expect(
            Set(report.codes) == ["integrity.digest-mismatch", "integrity.unlisted-file", "integrity.missing-file"])
        #expect(report.findings.first { $0.code == .missingFile }?.path == "b/c")
        let lenient = try Fixtures.verify(
            fixture.model, signature: signature, publicKey: fixture.publicKey, ignoreUnsigned: true)
        #expect(!lenient.codes.contains("integrity.unlisted-file"))
        #expect(lenient.verdict == .failed)
    }

    @Test func gitFilesAtTheRootAreIgnoredButNestedOnesAreNot() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        try Fixtures.sign(fixture.model, key: fixture.key, signature: folder.url("m.sig"))
        try folder.write("m/.git/HEAD", "ref")
        try folder.write("m/.gitignore", "*")
        #expect(
            try Fixtures.verify(fixture.model, signature: folder.url("m.sig"), publicKey: fixture.publicKey).verdict
                == .verified)
        try folder.write("m/b/.gitignore", "*")
        #expect(
            try Fixtures.verify(fixture.model, signature: folder.url("m.sig"), publicKey: fixture.publicKey).codes == [
                "integrity.unlisted-file"
            ])
    }

    @Test func anotherKeyIsAKeyMismatch() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        try Fixtures.sign(fixture.model, key: fixture.key, signature: folder.url("m.sig"))
        let other = try TestKeys.generate("P-256", named: "other", in: folder)
        let report = try Fixtures.verify(fixture.model, signature: folder.url("m.sig"), publicKey: other.public)
        #expect(report.codes == ["signature.key-mismatch"])
        #expect(report.signer == nil)
    }

    @Test func symlinksFailUnlessAllowedAndNeverLeaveTheModel() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        try Fixtures.sign(fixture.model, key: fixture.key, signature: folder.url("m.sig"))
        try FileManager.default.createSymbolicLink(atPath: folder.url("m/link"), withDestinationPath: "/etc/hostname")
        let report = try Fixtures.verify(fixture.model, signature: folder.url("m.sig"), publicKey: fixture.publicKey)
        #expect(report.codes == ["path.symlink"])
        var request = SignRequest(model: fixture.model, privateKey: fixture.key)
        request.signature = folder.url("s.sig")
        request.allowSymlinks = true
        #expect(throws: StemmaError.self) { try ModelSigner.sign(request) }
    }

    @Test func specialFilesAndNonUTF8NamesAreFindings() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        try Fixtures.sign(fixture.model, key: fixture.key, signature: folder.url("m.sig"))
        #expect(mkfifo(folder.url("m/pipe"), 0o644) == 0)
        let badName = Array(folder.url("m/caf").utf8) + [0xE9, 0x2E, 0x62]
        let descriptor = badName.withUnsafeBufferPointer { buffer -> Int32 in
            var terminated = Array(buffer)
            terminated.append(0)
            return terminated.withUnsafeBufferPointer {
                open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
            }
        }
        #expect(descriptor >= 0)
        close(descriptor)
        let report = try Fixtures.verify(fixture.model, signature: folder.url("m.sig"), publicKey: fixture.publicKey)
        #expect(Set(report.codes) == ["path.not-regular-file", "path.non-utf8-name"])
        #expect(report.findings.contains { $0.message.contains("caf\\xe9.b") })
    }

    @Test func emptyFolderCannotBeSigned() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.url("empty"), withIntermediateDirectories: true)
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        #expect(throws: StemmaError.self) {
            try Fixtures.sign(folder.url("empty"), key: keys.private, signature: folder.url("e.sig"))
        }
    }

    @Test func ed25519AndRSAKeysCannotMakeOMSSignatures() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        let ed = try TestKeys.generate("ED25519", named: "ed", in: folder)
        #expect(throws: StemmaError.self) {
            try Fixtures.sign(fixture.model, key: ed.private, signature: folder.url("e.sig"))
        }
    }

    @Test func archivesVerifyAsStreams() throws {
        let folder = try TemporaryFolder()
        let fixture = try Fixtures.model(in: folder)
        try Fixtures.sign(fixture.model, key: fixture.key, signature: folder.url("m.sig"), shardSize: 2)
        try Command.succeed("tar", ["-czf", "m.tar.gz", "m"], in: folder.path)
        try Command.succeed("sh", ["-c", "cd m && tar -cJf ../flat.tar.xz ."], in: folder.path)
        for archive in ["m.tar.gz", "flat.tar.xz"] {
            let report = try Fixtures.verify(
                folder.url(archive), signature: folder.url("m.sig"), publicKey: fixture.publicKey)
            #expect(report.verdict == .verified, "\(archive): \(report.findings)")
        }
    }
}
