import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

/// SARIF that code-scanning UIs use well: documented rules, the exit code, lines, and URIs that round-trip.
@Suite struct SARIFOutputTests {
    private let stemma: String
    private let repository: String

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
    }

    private func sarif(_ arguments: [String]) throws -> (log: JSONValue, status: Int32) {
        let result = try Command.run(stemma, arguments + ["--format", "sarif"], in: repository)
        return (try JSONParser.parse(Array(result.standardOutput.utf8), source: "sarif"), result.status)
    }

    /// The `id="…"` anchors docs/cli.md defines.
    private func documentedAnchors() throws -> Set<String> {
        let text = try String(contentsOfFile: repository + "/docs/cli.md", encoding: .utf8)
        var anchors = Set<String>()
        for part in text.components(separatedBy: "<a id=\"").dropFirst() {
            anchors.insert(String(part.prefix { $0 != "\"" }))
        }
        return anchors
    }

    /// Reverses percent-encoding.
    private func decoded(_ uri: String) -> String {
        uri.removingPercentEncoding ?? "<not percent-encoded>"
    }

    @Test func aPathWithSpacesAndAHashRoundTripsAndRulesAreDocumented() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("release #2/model files/notes 100%.txt", ScanCommandTests.maliciousPickle)
        let (log, status) = try sarif(["scan", folder.url("release #2")])
        #expect(status == 1)
        let run = try #require(log["runs"]?.arrayValue?.first)
        let result = try #require(run["results"]?.arrayValue?.first)
        let uri = try #require(
            result["locations"]?.arrayValue?.first?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue)
        #expect(!uri.contains(" ") && !uri.contains("#"), "\(uri)")
        #expect(decoded(uri) == path)
        // The pickle's REDUCE opcode is at a byte offset in the file itself.
        let offset = result["locations"]?.arrayValue?.first?["physicalLocation"]?["region"]?["byteOffset"]?.exactUInt64
        #expect(offset.map { Int($0) < ScanCommandTests.maliciousPickle.count } == true, "\(result)")
        #expect(run["invocations"]?.arrayValue?.first?["exitCode"] == .integer(1))
        #expect(run["invocations"]?.arrayValue?.first?["executionSuccessful"] == .bool(true))
        try expectDocumentedRules(run)
    }

    @Test func verifyRulesAreDocumentedAndTheExitCodeIsRecorded() throws {
        let folder = try TemporaryFolder()
        try Command.succeed("cp", ["-r", repository + "/examples/bundles/sentiment-ft", folder.url("m")])
        try folder.write("m/config.json", "{}")
        try folder.write("m/extra.bin", "x")
        let (log, status) = try sarif(["verify", folder.url("m"), "--trust-roots", "trust-roots/demo"])
        #expect(status == 1)
        let run = try #require(log["runs"]?.arrayValue?.first)
        #expect((run["results"]?.arrayValue ?? []).count == 2)
        #expect(run["invocations"]?.arrayValue?.first?["exitCode"] == .integer(1))
        try expectDocumentedRules(run)
        let verified = try sarif(["verify", "examples/bundles/sentiment-ft", "--trust-roots", "trust-roots/demo"])
        #expect(verified.status == 0)
        #expect(verified.log["runs"]?.arrayValue?.first?["invocations"]?.arrayValue?.first?["exitCode"] == .integer(0))
    }

    @Test func postureResultsCarryTheirLineAndImpactRulesAreDocumented() throws {
        let posture = try sarif([
            "posture", "--inventory", "examples/posture/fleet", "--policy", "examples/posture/policies",
        ])
        let run = try #require(posture.log["runs"]?.arrayValue?.first)
        let results = run["results"]?.arrayValue ?? []
        #expect(!results.isEmpty)
        let lines = results.compactMap {
            $0["locations"]?.arrayValue?.first?["physicalLocation"]?["region"]?["startLine"]?.exactUInt64
        }
        #expect(!lines.isEmpty && lines.allSatisfy { $0 > 0 })
        #expect(run["invocations"]?.arrayValue?.first?["exitCode"] == .integer(Int(posture.status)))
        for rule in run["tool"]?["driver"]?["rules"]?.arrayValue ?? [] {
            #expect(rule["fullDescription"]?["text"]?.stringValue?.isEmpty == false)
            #expect(rule["helpUri"]?.stringValue?.hasPrefix(SARIFLog.documentation + "#") == true)
        }
        let impact = try sarif([
            "impact", "--inventory", "examples/fleet", "--advisories", "examples/fleet/advisories",
        ])
        try expectDocumentedRules(try #require(impact.log["runs"]?.arrayValue?.first))
    }

    /// Every rule has a full description and a helpUri whose anchor docs/cli.md defines.
    private func expectDocumentedRules(_ run: JSONValue) throws {
        let anchors = try documentedAnchors()
        let rules = run["tool"]?["driver"]?["rules"]?.arrayValue ?? []
        #expect(!rules.isEmpty)
        for rule in rules {
            let id = rule["id"]?.stringValue ?? "?"
            #expect(rule["fullDescription"]?["text"]?.stringValue?.isEmpty == false, "\(id)")
            let uri = rule["helpUri"]?.stringValue ?? ""
            let prefix = SARIFLog.documentation + "#"
            #expect(uri.hasPrefix(prefix), "\(id): \(uri)")
            #expect(anchors.contains(String(uri.dropFirst(prefix.count))), "\(id): no anchor in docs/cli.md")
        }
    }
}
