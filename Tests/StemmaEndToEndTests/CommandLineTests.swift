import Foundation
import StemmaCore
import StemmaFormats
import StemmaTestSupport
import Testing

/// Runs the built `stemma` executable and checks its output and exit status, as CI systems will.
@Suite struct CommandLineTests {
    private let stemma: String
    private let repository: String

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
    }

    private func run(_ arguments: [String]) throws -> CommandResult {
        try Command.run(stemma, arguments, in: repository)
    }

    @Test func versionAndHelp() throws {
        let version = try run(["--version"]).standardOutput
        #expect(version.hasPrefix("stemma " + StemmaVersion.current + "\n"))
        #expect(version.contains("\nOpenSSL 3."))
        #expect(version.contains("\nlibarchive 3."))
        #expect(version.contains("\nbuild: "))
        let help = try run(["verify", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("Examples:"))
    }

    @Test func exampleBundleVerifiesWithDemoTrustRoots() throws {
        let result = try run([
            "verify", "examples/bundles/sentiment-ft", "--trust-roots", "trust-roots/demo", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        let report = try JSONParser.parse(Array(result.standardOutput.utf8), source: "stdout")
        #expect(report["verdict"] == .string("verified"))
        #expect(report["signer"]?["name"] == .string("acme-release-team"))
    }

    @Test func exampleArchiveVerifiesWithItsCertificateChain() throws {
        let result = try run([
            "verify", "examples/bundles/fraud-scorer.tar.gz", "--signature", "examples/bundles/fraud-scorer.sig",
            "--certificate-chain", "trust-roots/demo/certs/acme-root-ca.pem",
        ])
        #expect(result.status == 0, "\(result.standardOutput)\(result.standardError)")
        #expect(result.standardOutput.contains("VERIFIED"))
    }

    @Test func trustRootsPolicyRefusesASignerForAnotherModel() throws {
        let folder = try TemporaryFolder()
        try Command.succeed("cp", ["-r", repository + "/examples/bundles/sentiment-ft", folder.url("other-model")])
        let result = try run([
            "verify", folder.url("other-model"), "--trust-roots", "trust-roots/demo", "--format", "json",
        ])
        // The subject name is signed ("sentiment-ft"), so renaming the folder does not change which policy applies.
        #expect(result.status == 0)
    }

    @Test func tamperedExampleExitsOneWithAFindingNamingTheFile() throws {
        let folder = try TemporaryFolder()
        try Command.succeed("cp", ["-r", repository + "/examples/bundles/sentiment-ft", folder.url("sentiment-ft")])
        try folder.write("sentiment-ft/config.json", "{}")
        let result = try run(["verify", folder.url("sentiment-ft"), "--trust-roots", "trust-roots/demo"])
        #expect(result.status == 1)
        #expect(result.standardOutput.contains("config.json"))
        #expect(result.standardOutput.contains("integrity.digest-mismatch"))
        let sarif = try run([
            "verify", folder.url("sentiment-ft"), "--trust-roots", "trust-roots/demo", "--format", "sarif",
        ])
        #expect(sarif.status == 1)
        let log = try JSONParser.parse(Array(sarif.standardOutput.utf8), source: "sarif")
        #expect(log["version"] == .string("2.1.0"))
        #expect(log["runs"]?.arrayValue?.first?["results"]?.arrayValue?.count == 1)
    }

    @Test(arguments: [
        ["verify", "examples/bundles/sentiment-ft"],
        ["verify", "examples/bundles/sentiment-ft", "--public-key", "a", "--trust-roots", "b"],
        ["verify", "no-such-model", "--public-key", "trust-roots/demo/keys/acme-release.pub.pem"],
        ["verify", "examples/bundles/sentiment-ft", "--public-key", "no-such-key.pem"],
        [
            "verify", "examples/bundles/sentiment-ft", "--signature", "README.md", "--public-key",
            "trust-roots/demo/keys/acme-release.pub.pem",
        ],
        ["sign", "examples/bundles/sentiment-ft"],
        ["frobnicate"],
    ])
    func couldNotDoTheJobExitsTwo(_ arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.standardError)")
        #expect(!result.standardError.isEmpty)
    }

    @Test func signThenVerifyThroughTheCommandLine() throws {
        let folder = try TemporaryFolder()
        try folder.write("model/weights.bin", (0..<100_000).map { UInt8($0 & 0xFF) })
        let keys = try TestKeys.generate("P-521", named: "k", in: folder)
        let signed = try run(["sign", folder.url("model"), "--private-key", keys.private, "--format", "json"])
        #expect(signed.status == 0, "\(signed.standardError)")
        let result = try JSONParser.parse(Array(signed.standardOutput.utf8), source: "sign")
        #expect(result["signature"] == .string(folder.url("model") + "/model.sig"))
        let verified = try run(["verify", folder.url("model"), "--public-key", keys.public])
        #expect(verified.status == 0, "\(verified.standardOutput)")
    }
}
