import StemmaGraph
import Testing

@Suite struct OSVMatchingTests {
    @Test(arguments: [
        ("0.0.130", true), ("0.0.131", true), ("0.0.132rc1", true), ("0.0.99", true), ("0.0.1", true),
        ("0.0.101rc0", true), ("0.0.132", false), ("0.0.133", false), ("0.1.0", false), ("1!0.0.1", false),
        ("not a version", false),
    ])
    func langchainBeforeTheFixIsAffected(_ version: String, _ affected: Bool) throws {
        let advisory = try OSVFixtures.advisory(OSVFixtures.langchain)
        #expect(advisory.affects(ecosystem: "PyPI", name: "langchain", version: version) == affected)
        #expect(advisory.affects(ecosystem: "pypi", name: "LangChain", version: version) == affected)
    }

    @Test(arguments: [
        ("1.13.0", true), ("1.0.1.post2", true), ("1.0.0", true), ("1.13.1", false), ("2.5.1+cu121", false),
        ("1.13.0+cu117", true), ("1.14.0.dev20221201", false), ("1.13.1rc1", true),
    ])
    func torchUsesTheEcosystemRangeAndIgnoresGit(_ version: String, _ affected: Bool) throws {
        let advisory = try OSVFixtures.advisory(OSVFixtures.torch)
        #expect(advisory.affects(ecosystem: "PyPI", name: "torch", version: version) == affected)
    }

    /// OSV names a Maven artifact `group:artifact`, the purl `pkg:maven/group/artifact`: Log4Shell never matched.
    @Test func mavenAdvisoryMatchesTheComponentOfItsPurl() throws {
        let json = #"""
            {"schema_version": "1.6.0", "id": "GHSA-jfh8-c2jp-5v3q", "affected": [{
              "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0"}, {"fixed": "2.15.0"}]}]}]}
            """#
        let index = AdvisoryIndex([try OSVFixtures.advisory(json: json)])
        let component = try #require(ComponentRef(parsing: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"))
        #expect(index.matching(component).map(\.id) == ["GHSA-jfh8-c2jp-5v3q"])
        let fixed = try #require(ComponentRef(parsing: "pkg:maven/org.apache.logging.log4j/log4j-core@2.15.0"))
        #expect(index.matching(fixed).isEmpty)
    }

    @Test func maliciousRecordMatchesItsListedVersionsOnly() throws {
        let advisory = try OSVFixtures.advisory(OSVFixtures.malicious)
        #expect(advisory.affects(ecosystem: "PyPI", name: "3web", version: "1.0.0"))
        #expect(advisory.affects(ecosystem: "PyPI", name: "3web", version: "1.0"))  // PEP 440: 1.0 == 1.0.0
        #expect(!advisory.affects(ecosystem: "PyPI", name: "3web", version: "1.0.1"))
        #expect(!advisory.affects(ecosystem: "PyPI", name: "3web", version: nil))
        #expect(!advisory.affects(ecosystem: "npm", name: "3web", version: "1.0.0"))
    }

    @Test func unknownVersionMatchesOnlyWhenEveryVersionIsCovered() throws {
        let langchain = try OSVFixtures.advisory(OSVFixtures.langchain)
        #expect(!langchain.affects(ecosystem: "PyPI", name: "langchain", version: nil))
        let everything = try record(
            ecosystem: "PyPI", ranges: #"[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]"#)
        #expect(everything.affects(ecosystem: "PyPI", name: "pkg", version: nil))
        #expect(everything.coversAllVersions(ecosystem: "PyPI", name: "pkg"))
        #expect(everything.affects(ecosystem: "PyPI", name: "pkg", version: "legacy-version-xyz"))
        let unrestricted = try OSVFixtures.advisory(
            json: #"{"id": "MAL-2025-1", "affected": [{"package": {"ecosystem": "npm", "name": "Evil"}}]}"#)
        #expect(unrestricted.affects(ecosystem: "npm", name: "evil", version: nil))
        #expect(unrestricted.affects(ecosystem: "npm", name: "evil", version: "9.9.9"))
        #expect(unrestricted.coversAllVersions(ecosystem: "NPM", name: "EVIL"))
    }

    @Test(arguments: [("1.0", true), ("1.2", true), ("1.2.post1", false), ("1.3", false), ("0.9", false)])
    func lastAffectedIncludesItsVersion(_ version: String, _ affected: Bool) throws {
        let advisory = try record(
            ecosystem: "PyPI",
            ranges: #"[{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"last_affected": "1.2"}]}]"#)
        #expect(advisory.affects(ecosystem: "PyPI", name: "pkg", version: version) == affected)
    }

    @Test(arguments: [("1.0.0", true), ("1.4.9", true), ("1.5.0", false), ("2.0.0", false), ("0.9.0", false)])
    func limitEndsTheRange(_ version: String, _ affected: Bool) throws {
        let advisory = try record(
            ecosystem: "npm", ranges: #"[{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "1.5.0"}]}]"#)
        #expect(advisory.affects(ecosystem: "npm", name: "pkg", version: version) == affected)
        #expect(!advisory.coversAllVersions(ecosystem: "npm", name: "pkg"))
    }

    /// Two introduced/fixed pairs in one range, listed out of order, plus a second range.
    @Test(arguments: [
        ("1.0.0", true), ("1.0.1", true), ("1.0.2", false), ("2.0.0", false), ("3.0.0", true), ("3.2.4", true),
        ("3.2.5", false), ("5.0.0-beta.1", true), ("5.0.0", false), ("0.0.1", false), ("1.0.0-rc.1", false),
    ])
    func multipleIntroducedFixedPairsAndRanges(_ version: String, _ affected: Bool) throws {
        let advisory = try record(
            ecosystem: "npm",
            ranges: """
                [{"type": "SEMVER", "events": [{"introduced": "3.0.0"}, {"fixed": "3.2.5"}, {"introduced": "1.0.0"},
                  {"fixed": "1.0.2"}]},
                 {"type": "ECOSYSTEM", "events": [{"introduced": "5.0.0-alpha"}, {"fixed": "5.0.0"}]}]
                """)
        #expect(advisory.affects(ecosystem: "npm", name: "pkg", version: version) == affected)
    }

    @Test(arguments: [("1.2.9", true), ("1.2.10", false), ("1.2", true), ("1.2.9-beta", false)])
    func otherEcosystemsCompareDottedNumbersOnly(_ version: String, _ affected: Bool) throws {
        let advisory = try record(
            ecosystem: "Maven",
            ranges: #"[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.10"}]}]"#)
        #expect(advisory.affects(ecosystem: "maven", name: "pkg", version: version) == affected)
    }

    @Test func unparsableEventsMakeTheRangeMatchNothing() throws {
        let advisory = try record(
            ecosystem: "PyPI",
            ranges: #"[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "not-a-version!"}]}]"#,
            versions: #"["0.5"]"#)
        #expect(!advisory.affects(ecosystem: "PyPI", name: "pkg", version: "0.4"))
        #expect(advisory.affects(ecosystem: "PyPI", name: "pkg", version: "0.5"))
    }

    @Test func legacyPyPIVersionsMatchOnlyByListing() throws {
        let advisory = try record(
            ecosystem: "PyPI", ranges: #"[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0"}]}]"#,
            versions: #"["1.0-beta-final-x"]"#)
        #expect(advisory.affects(ecosystem: "PyPI", name: "pkg", version: "1.0-beta-final-x"))
        #expect(!advisory.affects(ecosystem: "PyPI", name: "pkg", version: "1.0-gamma-final-x"))
    }

    @Test func namesAreComparedAfterNormalisation() throws {
        let advisory = try OSVFixtures.advisory(
            json: """
                {"id": "PYSEC-X", "affected": [{"package": {"ecosystem": "PyPI", "name": "Flash_Attn"},
                 "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]},
                 {"package": {"ecosystem": "Go", "name": "github.com/Org/Mod"},
                 "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.0"}]}]}]}
                """)
        #expect(advisory.affects(ecosystem: "pypi", name: "flash.attn", version: "2.0"))
        #expect(advisory.affects(ecosystem: "PyPI", name: "FLASH-ATTN", version: nil))
        #expect(!advisory.affects(ecosystem: "npm", name: "flash-attn", version: "2.0"))
        #expect(advisory.affects(ecosystem: "golang", name: "github.com/Org/Mod", version: "v1.1.0"))
        #expect(!advisory.affects(ecosystem: "golang", name: "github.com/org/mod", version: "v1.1.0"))
        #expect(!advisory.affects(ecosystem: "golang", name: "github.com/Org/Mod", version: "v1.2.0"))
    }

    private func record(ecosystem: String, ranges: String, versions: String = "[]") throws -> OSVAdvisory {
        try OSVFixtures.advisory(
            json: """
                {"id": "TEST-1", "affected": [{"package": {"ecosystem": "\(ecosystem)", "name": "pkg"},
                 "ranges": \(ranges), "versions": \(versions)}]}
                """)
    }
}
