import StemmaGraph
import Testing

@Suite struct VersionSemanticTests {
    /// SemVer 2.0.0 section 11's example, in precedence order.
    static let precedence = [
        "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
        "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0",
    ]

    @Test func ordersBySpecificationPrecedence() throws {
        let versions = try Self.precedence.map { try #require(SemanticVersion($0)) }
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
        }
    }

    @Test func ignoresBuildMetadataAndLeadingV() throws {
        let built = try #require(SemanticVersion("v1.2.3+build.7"))
        let plain = try #require(SemanticVersion("1.2.3"))
        #expect(built == plain)
        #expect(built.hashValue == plain.hashValue)
        #expect(built.description == "1.2.3+build.7")
        #expect(built.buildMetadata == "build.7")
    }

    @Test(arguments: [
        "", "1", "1.0", "1.0.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0+", "1.0.0-a..b", "1.0.0-a_b", "a.b.c",
        "1.0.0 beta",
    ])
    func refusesNonSemanticVersions(_ text: String) {
        #expect(SemanticVersion(text) == nil)
    }

    @Test func acceptsHyphensAndLeadingZerosWhereAllowed() throws {
        #expect(SemanticVersion("1.0.0-alpha-1.0a") != nil)
        #expect(SemanticVersion("1.0.0+001") != nil)
        let pre = try #require(SemanticVersion("1.0.0-rc.1"))
        #expect(pre.isPreRelease)
    }
}
