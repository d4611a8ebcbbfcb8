import StemmaGraph
import Testing

@Suite struct VersionPEP440Tests {
    /// The brief's chain: each version sorts strictly before the next.
    static let chain = [
        "1.0.dev0", "1.0a1.dev0", "1.0a1", "1.0b1", "1.0rc1", "1.0", "1.0+local", "1.0.post1.dev0", "1.0.post1",
    ]

    @Test func ordersDevBeforePreBeforeFinalBeforePost() throws {
        let versions = try Self.chain.map { try #require(PEP440Version($0)) }
        for (lower, higher) in zip(versions, versions.dropFirst()) {
            #expect(lower < higher, "\(lower) < \(higher)")
        }
        #expect(versions.shuffled().sorted() == versions)
    }

    @Test(arguments: [
        ("1.0", "1.0.0"), ("1.0rc", "1.0rc0"), ("1.0-1", "1.0.post1"), ("v1.0", "1.0"), (" 1.0 ", "1.0"),
        ("1.0RC1", "1.0rc1"), ("1.0+CU121", "1.0+cu121"),
    ])
    func equalSpellingsAreEqualAndHashEqually(_ lhs: String, _ rhs: String) throws {
        let left = try #require(PEP440Version(lhs))
        let right = try #require(PEP440Version(rhs))
        #expect(left == right)
        #expect(Set([left, right]).count == 1)
    }

    @Test(arguments: ["", "abc", "1.0.x", "2004d", "1..0", "1.0+", "1.0-"])
    func refusesInvalidVersions(_ text: String) {
        #expect(PEP440Version(text) == nil)
    }

    @Test func refusesOverlongText() {
        #expect(PEP440Version(String(repeating: "1.", count: 600) + "1") == nil)
    }

    @Test func exposesTheParts() throws {
        let version = try #require(PEP440Version("1!2.0b3.post4.dev5+Ubuntu-1"))
        #expect(version.description == "1!2.0b3.post4.dev5+ubuntu.1")
        #expect(version.isPreRelease && version.isPostRelease && version.isDevRelease)
        #expect(version.localLabel == "ubuntu.1")
        #expect(PEP440Version("2.5.1")?.isPreRelease == false)
    }

    @Test func comparesNumbersOfAnyLength() throws {
        let huge = try #require(PEP440Version("123456789012345678901234567890.1"))
        let less = try #require(PEP440Version("123456789012345678901234567889.9"))
        #expect(less < huge)
    }
}
