import StemmaGraph
import StemmaInventory
import Testing

@Suite struct SafetensorsReaderTests {
    /// A safetensors file: the 8-byte length, the JSON header, and `data` after it.
    private func file(_ json: String, declaring length: UInt64? = nil, data: [UInt8] = [0, 0, 0, 0]) -> [UInt8] {
        GGUFBuilder.encode(length ?? UInt64(json.utf8.count), width: 8, bigEndian: false) + Array(json.utf8) + data
    }

    @Test func readsTheReferenceFixture() throws {
        let path = FormatFixture.path("fixture.tiny.safetensors")
        let bytes = try FormatFixture.bytes("fixture.tiny.safetensors")
        #expect(SafetensorsReader.recognizes(path: path, head: bytes))
        #expect(SafetensorsReader.bytesNeeded(head: bytes) == 8 + 264)
        let fragment = SafetensorsReader.read(path: path, bytes: Array(bytes.prefix(8 + 264)))
        #expect(fragment.warnings.isEmpty)
        let component = try #require(fragment.components.first)
        #expect(component.ref.description == "model:formats")  // the fixture's folder
        #expect(
            component.properties == ["format": "safetensors", "framework": "pt", "tensors": "2", "dtypes": "F16,F32"])
        #expect(fragment.edges.count == 1)
        let edge = try #require(fragment.edges.first)
        #expect(edge.from == .component(component.ref))
        #expect(edge.to.description == "pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct")
        #expect(edge.relation == .fineTunedFrom)
        #expect(edge.evidence == Evidence(source: path, status: .declared))
    }

    @Test func recognisedByContentNotName() throws {
        let bytes = try FormatFixture.bytes("fixture.tiny.safetensors")
        #expect(SafetensorsReader.recognizes(path: "weights.bin", head: bytes))
        #expect(!SafetensorsReader.recognizes(path: "x.safetensors", head: Array(#"{"a": 1}"#.utf8)))
        #expect(
            !SafetensorsReader.recognizes(
                path: "x.safetensors", head: try FormatFixture.bytes("fixture.metadata-only.gguf")))
        #expect(!SafetensorsReader.recognizes(path: "x.safetensors", head: [1, 0, 0, 0, 0, 0, 0, 0, 0x7B]))
    }

    @Test(arguments: [
        (
            "/hub/models--meta-llama--Llama-3.1-8B/snapshots/0e9e39f/model.safetensors",
            "pkg:huggingface/meta-llama/Llama-3.1-8B@0e9e39f"
        ),
        ("/srv/models/acme-llama/model-00001-of-00002.safetensors", "model:acme-llama"),
        ("model.safetensors", "model:model"),
    ])
    func namedAfterItsFolder(path: String, expected: String) {
        let fragment = SafetensorsReader.read(path: path, bytes: file(#"{"__metadata__":{"format":"pt"}}"#))
        #expect(fragment.components.first?.ref.description == expected)
    }

    @Test func metadataNamesTheModelAndItsParents() {
        let json = #"""
            {"__metadata__":{"name":"acme-merge","version":"2","base_model":"org/a, https://huggingface.co/org/b",
            "base_model_relation":"merge","datasets":"org/data,local-set"}}
            """#
        let fragment = SafetensorsReader.read(path: "m/x.safetensors", bytes: file(json))
        #expect(fragment.components.first?.ref.description == "model:acme-merge@2")
        #expect(
            fragment.edges.map { "\($0.relation.rawValue) \($0.to)" } == [
                "merged-from pkg:huggingface/org/a", "merged-from pkg:huggingface/org/b",
                "trained-on pkg:huggingface/datasets/org/data", "trained-on dataset:local-set",
            ])
    }

    @Test(arguments: [
        (UInt64(100_000_001), "exceeds"),
        (UInt64(5_000), "only"),
        (UInt64.max, "exceeds"),
    ])
    func hostileLengthsGiveAWarning(length: UInt64, reason: String) {
        let fragment = SafetensorsReader.read(path: "h.safetensors", bytes: file(#"{"a":{}}"#, declaring: length))
        #expect(fragment.components.isEmpty)
        #expect(fragment.warnings.count == 1)
        #expect(fragment.warnings.first?.message.contains(reason) == true)
        #expect(
            SafetensorsReader.bytesNeeded(head: file(#"{"a":{}}"#, declaring: length)).map { $0 <= 100_000_008 } == true
        )
    }

    @Test(arguments: [#"{"a": [1,"#, #"["not", "an", "object"]"#, #"{"a":1,"a":2}"#])
    func malformedHeadersGiveAWarning(json: String) {
        let fragment = SafetensorsReader.read(path: "bad.safetensors", bytes: file(json, data: []))
        #expect(fragment.components.isEmpty)
        #expect(fragment.warnings.map(\.source) == ["bad.safetensors"])
    }

    @Test func nonStringMetadataIsAWarning() {
        let fragment = SafetensorsReader.read(
            path: "m/w.safetensors", bytes: file(#"{"__metadata__":{"format":"pt","epochs":3}}"#))
        #expect(fragment.components.count == 1)
        #expect(fragment.warnings.count == 1)
    }
}
