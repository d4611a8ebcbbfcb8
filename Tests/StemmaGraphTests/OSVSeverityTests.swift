import StemmaGraph
import Testing

@Suite struct OSVSeverityTests {
    /// Base scores published by FIRST and NVD for these vectors.
    @Test(arguments: [
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0),
        ("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", 9.9),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N", 7.5),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 8.8),
        ("CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H", 7.8),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1),
        ("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:N/A:N", 6.8),
        ("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H", 5.5),
        ("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 5.3),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0),
        ("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8),
    ])
    func computesTheBaseScore(_ vector: String, _ score: Double) throws {
        let parsed = try #require(CVSS3Vector(vector))
        #expect(parsed.baseScore == score)
    }

    @Test(arguments: [
        "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
        "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A",
    ])
    func refusesInvalidVectors(_ vector: String) {
        #expect(CVSS3Vector(vector) == nil)
    }

    @Test func assessesFromTheStrongestEvidence() {
        let v3Critical = OSVSeverityScore(type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")
        let v3Medium = OSVSeverityScore(type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N")
        let v4 = OSVSeverityScore(
            type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
        #expect(OSVAdvisory.assessSeverity(id: "MAL-2024-1", scores: [], words: ["low"]) == .critical)
        #expect(OSVAdvisory.assessSeverity(id: "GHSA-1", scores: [v3Medium, v3Critical], words: []) == .critical)
        #expect(OSVAdvisory.assessSeverity(id: "GHSA-1", scores: [v3Medium, v4], words: ["CRITICAL"]) == .medium)
        #expect(OSVAdvisory.assessSeverity(id: "GHSA-1", scores: [v4], words: []) == .high)
        #expect(OSVAdvisory.assessSeverity(id: "GHSA-1", scores: [v4], words: ["MODERATE"]) == .medium)
        #expect(OSVAdvisory.assessSeverity(id: "GHSA-1", scores: [], words: ["Low"]) == .low)
        #expect(OSVAdvisory.assessSeverity(id: "PYSEC-1", scores: [], words: []) == .unknown)
    }

    @Test func readsSeverityFromTheRecord() throws {
        let advisory = try OSVFixtures.advisory(
            json: """
                {"id": "GHSA-53q9-r3pm-6pq6", "aliases": ["CVE-2025-32434"],
                 "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
                 "database_specific": {"severity": "CRITICAL"},
                 "affected": [{"package": {"ecosystem": "PyPI", "name": "torch"},
                   "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.6.0"}]}]}]}
                """)
        #expect(advisory.severity == .critical)
        #expect(advisory.affects(ecosystem: "PyPI", name: "torch", version: "2.5.1+cu121"))
        #expect(!advisory.affects(ecosystem: "PyPI", name: "torch", version: "2.6.0+cpu"))
        #expect(advisory.affects(ecosystem: "PyPI", name: "torch", version: "2.6.0rc1"))
        let perPackage = try OSVFixtures.advisory(
            json: """
                {"id": "GHSA-2", "affected": [{"package": {"ecosystem": "npm", "name": "x"},
                 "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:H"}]}]}
                """)
        #expect(perPackage.severity == .medium)
    }
}
