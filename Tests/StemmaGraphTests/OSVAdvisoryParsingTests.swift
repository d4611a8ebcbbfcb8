import StemmaCore
import StemmaGraph
import Testing

@Suite struct OSVAdvisoryParsingTests {
    /// A record whose `database_specific` nests 500 objects deep (the limit is 64).
    static let deeplyNested =
        "{\"id\": \"X\", \"database_specific\": " + String(repeating: "{\"a\": ", count: 500) + "1"
        + String(repeating: "}", count: 501)

    @Test func readsTheLangchainRecord() throws {
        let advisory = try OSVFixtures.advisory(OSVFixtures.langchain)
        #expect(advisory.id == "PYSEC-2023-18")
        #expect(advisory.aliases == ["CVE-2023-29374"])
        #expect(!advisory.isWithdrawn && !advisory.isMalicious)
        #expect(advisory.severity == .unknown)
        let affected = try #require(advisory.affected.first)
        #expect(affected.ecosystemKey == "pypi" && affected.normalizedName == "langchain")
        #expect(affected.purl == "pkg:pypi/langchain")
        #expect(affected.versions.count == 133)
        #expect(affected.ranges == [OSVRange(kind: .ecosystem, events: [.introduced("0"), .fixed("0.0.132")])])
        #expect(!affected.coversAllVersions)
        #expect(advisory.title.hasPrefix("In LangChain through 0.0.131"))
    }

    @Test func readsBothRangesOfTheTorchRecord() throws {
        let advisory = try OSVFixtures.advisory(OSVFixtures.torch)
        let ranges = try #require(advisory.affected.first?.ranges)
        #expect(ranges.map(\.kind) == [.git, .ecosystem])
        #expect(ranges[0].repository == "https://github.com/pytorch/pytorch")
        #expect(ranges[1].events.last == .fixed("1.13.1"))
    }

    @Test func readsTheMaliciousRecord() throws {
        let advisory = try OSVFixtures.advisory(OSVFixtures.malicious)
        #expect(advisory.isMalicious)
        #expect(advisory.severity == .critical)
        #expect(advisory.summary == "Malicious code in 3web (PyPI)")
        #expect(advisory.affected.first?.versions == ["1.0.0"])
        #expect((advisory.details?.count ?? 0) <= OSVAdvisory.detailsLimit)
    }

    @Test func keepsAWithdrawnRecordButMarksIt() throws {
        let advisory = try OSVFixtures.advisory(
            json: """
                {"id": "GHSA-xxxx", "withdrawn": "2024-01-01T00:00:00Z", "affected": [{"package":
                {"ecosystem": "PyPI", "name": "torch"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}
                """)
        #expect(advisory.isWithdrawn)
        #expect(!advisory.affects(ecosystem: "PyPI", name: "torch", version: "2.0.0"))
        #expect(!advisory.coversAllVersions(ecosystem: "PyPI", name: "torch"))
    }

    /// Hostile or corrupt records: an error naming the file, never a crash.
    @Test(arguments: [
        ("[]", "must be an object"),
        ("{}", "no 'id'"),
        (#"{"id": 7}"#, "'id' must be a string"),
        (#"{"id": "X", "affected": {}}"#, "'affected' must be an array"),
        (#"{"id": "X", "affected": [7]}"#, "'affected[0]' must be an object"),
        (#"{"id": "X", "affected": [{}]}"#, "no 'package' object"),
        (#"{"id": "X", "affected": [{"package": {"name": "a"}}]}"#, "needs an 'ecosystem' and a 'name'"),
        (#"{"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": ["a"]}}]}"#, "must be a string"),
        (
            #"{"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "versions": [1]}]}"#,
            "'affected[0].versions[0]' must be a string"
        ),
        (
            #"{"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"events": []}]}]}"#,
            "has no 'type'"
        ),
        (
            #"{"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1.0.0"}]}]}]}"#,
            "exactly one of"
        ),
        (
            #"{"id": "X", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}, "ranges": [{"type": "SEMVER", "events": [{}]}]}]}"#,
            "exactly one of"
        ),
        (#"{"id": "X", "severity": [{"type": "CVSS_V3"}]}"#, "needs a 'type' and a 'score'"),
        (#"{"id": "X", "id": "Y"}"#, "not valid JSON"),
        (#"{"id": "X""#, "not valid JSON"),
        (String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000), "not valid JSON"),
        (deeplyNested, "not valid JSON"),
    ])
    func refusesMalformedRecordsNamingTheFile(_ json: String, _ expected: String) {
        #expect {
            try OSVFixtures.advisory(json: json)
        } throws: { error in
            let message = (error as? StemmaError)?.message ?? ""
            return message.contains("'inline.json'") && message.contains(expected)
        }
    }

    @Test func refusesOversizedInput() {
        let bytes = [UInt8](repeating: 0x20, count: OSVAdvisory.jsonLimits.maxBytes + 1)
        #expect {
            try OSVAdvisory.parse(bytes, source: "big.json")
        } throws: { error in
            (error as? StemmaError)?.code == .limitExceeded
        }
    }

    @Test func ignoresUnknownFieldsAndNulls() throws {
        let advisory = try OSVFixtures.advisory(
            json: #"{"id": "X", "summary": null, "future_field": {"x": [1, 2]}, "affected": null}"#)
        #expect(advisory.summary == nil && advisory.affected.isEmpty)
        #expect(advisory.title == "X")
    }
}
