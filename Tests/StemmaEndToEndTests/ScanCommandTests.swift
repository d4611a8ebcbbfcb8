import StemmaCore
import StemmaTestSupport
import Testing

/// `stemma scan`, and the scan `stemma verify` runs over the bundle it verifies.
@Suite struct ScanCommandTests {
    private let stemma: String
    private let repository: String

    /// `GLOBAL posix system`, the argument tuple, `REDUCE`, `STOP` (protocol 0): what `pickle.dumps` of a class
    /// whose `__reduce__` returns `(os.system, ("echo stemma-test",))` writes on Linux. Never loaded.
    static let maliciousPickle = Array("cposix\nsystem\n(S'echo stemma-test'\ntR.".utf8)

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
    }

    private func run(_ arguments: [String]) throws -> CommandResult {
        try Command.run(stemma, arguments, in: repository)
    }

    @Test func scanExitsOneForADangerousPickleAndNamesTheGlobal() throws {
        let folder = try TemporaryFolder()
        try folder.write("model/notes.txt", Self.maliciousPickle)
        try folder.write("model/config.json", #"{"architectures": ["Bert"]}"#)
        let result = try run(["scan", folder.url("model"), "--format", "json"])
        #expect(result.status == 1, "\(result.standardError)")
        let report = try JSONParser.parse(Array(result.standardOutput.utf8), source: "scan")
        let files = report["files"]?.arrayValue ?? []
        let pickle = try #require(files.first { $0["path"]?.stringValue == folder.url("model") + "/notes.txt" })
        #expect(pickle["verdict"] == .string("dangerous"))
        #expect(pickle["format"] == .string("pickle"))
        let finding = try #require(pickle["findings"]?.arrayValue?.first { $0["verdict"] == .string("dangerous") })
        #expect(finding["global"] == .string("os.system"))
        #expect(finding["spelledAs"] == .string("posix.system"))
        #expect(
            files.first { $0["path"]?.stringValue?.hasSuffix("config.json") == true }?["verdict"] == .string("safe"))
    }

    @Test func scanOfTheExamplesIsSafeAndAMissingPathExitsTwo() throws {
        #expect(try run(["scan", "examples"]).status == 0)
        let missing = try run(["scan", "/nonexistent/stemma-model"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("/nonexistent/stemma-model"))
    }

    @Test func verifyFailsASignedBundleWithADangerousFileUnlessAllowed() throws {
        let folder = try TemporaryFolder()
        try folder.write("model/pytorch_model.bin", Self.maliciousPickle)
        try folder.write("model/config.json", #"{"architectures": ["Bert"]}"#)
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        #expect(try run(["sign", folder.url("model"), "--private-key", keys.private]).status == 0)

        let refused = try run(["verify", folder.url("model"), "--public-key", keys.public, "--format", "json"])
        #expect(refused.status == 1, "\(refused.standardOutput)")
        let report = try JSONParser.parse(Array(refused.standardOutput.utf8), source: "verify")
        let findings = report["findings"]?.arrayValue ?? []
        let unsafe = try #require(findings.first { $0["code"] == .string("scan.unsafe-file") })
        #expect(unsafe["path"] == .string("pytorch_model.bin"))
        #expect(unsafe["severity"] == .string("error"))

        let allowed = try run([
            "verify", folder.url("model"), "--public-key", keys.public, "--allow-unsafe-formats",
        ])
        #expect(allowed.status == 0, "\(allowed.standardOutput)")
        #expect(allowed.standardOutput.contains("scan.unsafe-file"))
    }
}
