import StemmaGraph
import Testing

@Suite struct AdvisoryIndexTests {
    private static func record(
        _ id: String, aliases: [String] = [], fixed: String, severity: String? = nil,
        withdrawn: Bool = false
    ) throws -> OSVAdvisory {
        let aliasList = aliases.map { "\"\($0)\"" }.joined(separator: ", ")
        let extra =
            (severity.map { #", "database_specific": {"severity": "\#($0)"}"# } ?? "")
            + (withdrawn ? #", "withdrawn": "2024-05-01T00:00:00Z""# : "")
        return try OSVFixtures.advisory(
            json: """
                {"id": "\(id)", "aliases": [\(aliasList)]\(extra), "affected": [{"package": {"ecosystem": "PyPI",
                 "name": "torch"}, "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "\(fixed)"}]}]}]}
                """)
    }

    @Test func findsAdvisoriesByPackageAndVersion() throws {
        let index = AdvisoryIndex([
            try OSVFixtures.advisory(OSVFixtures.langchain), try OSVFixtures.advisory(OSVFixtures.torch),
            try OSVFixtures.advisory(OSVFixtures.malicious),
        ])
        #expect(index.count == 3)
        #expect(index.matching(ecosystem: "PyPI", name: "langchain", version: "0.0.131").map(\.id) == ["PYSEC-2023-18"])
        #expect(index.matching(ecosystem: "PyPI", name: "langchain", version: "0.0.132").isEmpty)
        #expect(index.matching(ecosystem: "pypi", name: "Torch", version: "1.13.0").map(\.id) == ["PYSEC-2022-43015"])
        #expect(index.advisories(ecosystem: "PyPI", name: "torch").count == 1)
        #expect(index.matching(ecosystem: "PyPI", name: "numpy", version: "1.0").isEmpty)
        let ref = try #require(ComponentRef(parsing: "pkg:pypi/3web@1.0.0"))
        #expect(index.matching(ref).map(\.id) == ["MAL-2024-9933"])
        #expect(index.matching(ComponentRef(kind: .model, name: "3web", version: "1.0.0")).isEmpty)
    }

    @Test func keepsOneRecordPerAliasGroup() throws {
        let index = AdvisoryIndex([
            try Self.record("PYSEC-2025-41", aliases: ["CVE-2025-32434"], fixed: "2.6.0"),
            try Self.record("GHSA-53q9-r3pm-6pq6", aliases: ["CVE-2025-32434"], fixed: "2.6.0", severity: "CRITICAL"),
            try Self.record("PYSEC-2022-1", fixed: "1.0"),
        ])
        let matches = index.matching(ecosystem: "PyPI", name: "torch", version: "0.9")
        #expect(matches.map(\.id) == ["GHSA-53q9-r3pm-6pq6", "PYSEC-2022-1"])
        let later = index.matching(ecosystem: "PyPI", name: "torch", version: "2.5.1+cu121")
        #expect(later.map(\.id) == ["GHSA-53q9-r3pm-6pq6"])
    }

    @Test func aliasesJoinTransitively() throws {
        let index = AdvisoryIndex([
            try Self.record("A-1", aliases: ["CVE-1"], fixed: "2.0"),
            try Self.record("B-1", aliases: ["GHSA-1"], fixed: "2.0"),
            try Self.record("GHSA-1", aliases: ["CVE-1"], fixed: "2.0"),
        ])
        #expect(index.matching(ecosystem: "PyPI", name: "torch", version: "1.0").map(\.id) == ["A-1"])
    }

    @Test func dropsWithdrawnRecords() throws {
        let index = AdvisoryIndex([try Self.record("GHSA-w", fixed: "9.0", withdrawn: true)])
        #expect(index.count == 0)
        #expect(index.matching(ecosystem: "PyPI", name: "torch", version: "1.0").isEmpty)
    }

    @Test func aliasedRecordThatDoesNotMatchDoesNotHideOneThatDoes() throws {
        let index = AdvisoryIndex([
            try Self.record("GHSA-z", aliases: ["CVE-9"], fixed: "1.0", severity: "CRITICAL"),
            try Self.record("PYSEC-z", aliases: ["CVE-9"], fixed: "2.0"),
        ])
        #expect(index.matching(ecosystem: "PyPI", name: "torch", version: "1.5").map(\.id) == ["PYSEC-z"])
    }
}
