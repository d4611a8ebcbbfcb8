import StemmaGraph
import StemmaInventory
import Testing

@Suite struct CroissantReaderTests {
    @Test func readsTheReferenceExample() throws {
        let path = FormatFixture.path("croissant.example.json")
        let bytes = try FormatFixture.bytes("croissant.example.json")
        #expect(CroissantReader.recognizes(path: path, head: bytes))
        let fragment = CroissantReader.read(path: path, bytes: bytes)
        let component = try #require(fragment.components.first)
        #expect(component.ref.description == "pkg:huggingface/datasets/acme-corp/support-tickets-2025")
        #expect(component.ref.kind == .dataset)
        #expect(component.artifacts == ["b8b0b76783024b85797e5cc75064eb83fc5288b41e9654dabc7be6ae944011f6"])
        #expect(
            component.properties == [
                "format": "croissant", "name": "acme-support-tickets-2025", "version": "1.2.0",
                "license": "https://creativecommons.org/licenses/by/4.0/",
                "url": "https://huggingface.co/datasets/acme-corp/support-tickets-2025", "creator": "Acme Corp",
                "date_published": "2025-06-01", "conforms_to": "http://mlcommons.org/croissant/1.1",
            ])
        // The git-repository FileObject carries Hugging Face's placeholder URL where a digest belongs.
        #expect(fragment.warnings.count == 1)
        #expect(fragment.warnings.first?.message.contains("'repo'") == true)
        #expect(fragment.edges.count == 1)
        let edge = try #require(fragment.edges.first)
        #expect(edge.from == .component(component.ref))
        #expect(edge.to.description == "pkg:huggingface/datasets/HuggingFaceH4/ultrachat_200k")
        #expect(edge.relation == .derivedFrom)
        #expect(edge.evidence == Evidence(source: path, status: .declared))
    }

    @Test func aDatasetOffTheHubIsNamedAndVersioned() {
        let json = #"""
            {"@context": {"@vocab": "http://schema.org/", "cr": "http://mlcommons.org/croissant/"},
             "@type": "sc:Dataset", "name": "tickets", "version": "3.0.0", "url": "https://data.example/tickets",
             "license": ["MIT", {"@id": "https://spdx.org/licenses/CC0-1.0"}],
             "prov:wasDerivedFrom": {"@id": "https://data.example/raw-tickets"},
             "isBasedOn": "https://huggingface.co/org/generator-model",
             "distribution": [
               {"@type": "cr:FileObject", "name": "a.csv",
                "sha256": "B8B0B76783024B85797E5CC75064EB83FC5288B41E9654DABC7BE6AE944011F6"},
               {"@type": "cr:FileObject", "name": "b.csv", "sha256": "9e107d9d372bb6826bd81d3542a419d6"},
               {"@type": "cr:FileSet", "includes": "*.csv"}]}
            """#
        let fragment = CroissantReader.read(path: "d/metadata.json", bytes: Array(json.utf8))
        let component = fragment.components.first
        #expect(component?.ref.description == "dataset:tickets@3.0.0")
        #expect(component?.properties["license"] == "MIT,https://spdx.org/licenses/CC0-1.0")
        #expect(component?.artifacts == ["b8b0b76783024b85797e5cc75064eb83fc5288b41e9654dabc7be6ae944011f6"])
        #expect(fragment.warnings.count == 1)  // b.csv: 32 hex digits under sha256
        #expect(
            fragment.edges.map { "\($0.relation.rawValue) \($0.to)" } == [
                "derived-from dataset:https://data.example/raw-tickets",
                "derived-from pkg:huggingface/org/generator-model",
            ])
    }

    @Test func recognisedByContent() throws {
        let bytes = try FormatFixture.bytes("croissant.example.json")
        #expect(CroissantReader.recognizes(path: "dataset-info.txt", head: bytes))
        #expect(CroissantReader.recognizes(path: "c.json", head: Array(bytes.prefix(600))))
        for other in ["a2a-agent-card.v1.0.spec-sample.json", "mcp.vscode.mcp.json", "fixture.tiny.safetensors"] {
            #expect(!CroissantReader.recognizes(path: other, head: try FormatFixture.bytes(other)))
        }
        let schemaOrg = #"{"@context": "https://schema.org", "@type": "Dataset", "name": "x"}"#
        #expect(!CroissantReader.recognizes(path: "ld.json", head: Array(schemaOrg.utf8)))
    }

    @Test(arguments: [
        #"{"@context": {"cr": "http://mlcommons.org/croissant/"}, "name": "#,
        #"{"@context": {"cr": "http://mlcommons.org/croissant/"}, "description": "no name"}"#,
    ])
    func malformedDocumentsGiveAWarning(json: String) {
        let fragment = CroissantReader.read(path: "c.json", bytes: Array(json.utf8))
        #expect(fragment.components.isEmpty)
        #expect(fragment.warnings.map(\.source) == ["c.json"])
    }
}
