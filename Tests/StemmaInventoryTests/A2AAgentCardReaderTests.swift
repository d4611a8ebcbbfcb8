import StemmaGraph
import StemmaInventory
import Testing

@Suite struct A2AAgentCardReaderTests {
    @Test(arguments: [
        ("a2a-agent-card.v0.3.spec-sample.json", "0.2.9"),
        ("a2a-agent-card.v1.0.spec-sample.json", "1.0"),
    ])
    func readsBothCardVersions(name: String, protocolVersion: String) throws {
        let path = FormatFixture.path(name)
        let bytes = try FormatFixture.bytes(name)
        #expect(A2AAgentCardReader.recognizes(path: path, head: bytes))
        #expect(A2AAgentCardReader.recognizes(path: path, head: Array(bytes.dropLast(40))))  // a truncated head
        let fragment = A2AAgentCardReader.read(path: path, bytes: bytes)
        #expect(fragment.warnings.isEmpty)
        #expect(fragment.edges.isEmpty)
        let component = try #require(fragment.components.first)
        #expect(component.ref == ComponentRef(kind: .agent, name: "GeoSpatial Route Planner Agent", version: "1.2.0"))
        #expect(component.ref.description == "agent:GeoSpatial Route Planner Agent@1.2.0")
        var expected = [
            "format": "a2a-agent-card", "provider": "Example Geo Services Inc.",
            "provider_url": "https://www.examplegeoservices.com", "url": "https://georoute-agent.example.com/a2a/v1",
            "protocol_version": protocolVersion, "skills": "route-optimizer-traffic,custom-map-generator",
            "signed": "true",
        ]
        expected["description"] = component.properties["description"]
        #expect(component.properties == expected)
        #expect(component.properties["description"]?.hasPrefix("Provides advanced route planning") == true)
    }

    @Test(arguments: [
        "mcp.claude_desktop_config.json", "mcp.registry.server.json", "croissant.example.json",
        "fixture.tiny.safetensors",
    ])
    func otherFormatsAreNotCards(name: String) throws {
        #expect(!A2AAgentCardReader.recognizes(path: name, head: try FormatFixture.bytes(name)))
    }

    @Test(arguments: [#"{"name": "x"}"#, #"{"name": "x", "skills": []}"#, #"{"skills": [], "url": "https://a"}"#])
    func incompleteCardsAreNotRecognised(json: String) {
        #expect(!A2AAgentCardReader.recognizes(path: "agent-card.json", head: Array(json.utf8)))
    }

    @Test func malformedCardsGiveWarnings() {
        let broken = A2AAgentCardReader.read(path: "card.json", bytes: Array(#"{"name": "x", "skills": ["#.utf8))
        #expect(broken.components.isEmpty && broken.warnings.count == 1)
        let nameless = A2AAgentCardReader.read(path: "card.json", bytes: Array(#"{"skills": [], "url": "u"}"#.utf8))
        #expect(nameless.components.isEmpty && nameless.warnings.map(\.source) == ["card.json"])
        let unversioned = A2AAgentCardReader.read(path: "card.json", bytes: Array(#"{"name": "n", "skills": []}"#.utf8))
        #expect(unversioned.components.first?.ref.description == "agent:n")
        #expect(unversioned.warnings.count == 1)
    }
}
