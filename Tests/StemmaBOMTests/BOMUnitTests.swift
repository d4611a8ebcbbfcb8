import StemmaBOM
import StemmaCore
import StemmaGraph
import Testing

@Suite struct BOMUnitTests {
    @Test func serialNumberIsDeterministicLowercaseUUID() {
        let serial = BOMSerialNumber.derived(from: Array("abc".utf8))
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223…; version and variant bits set.
        #expect(serial == "urn:uuid:ba7816bf-8f01-8fea-8141-40de5dae2223")
        #expect(BOMSerialNumber.isValid(serial))
        #expect(!BOMSerialNumber.isValid("urn:uuid:BA7816BF-8F01-8FEA-8141-40DE5DAE2223"))
    }

    @Test func namedButMissingDatasetIsUnresolved() throws {
        let model = ComponentRef(kind: .model, ecosystem: "huggingface", name: "acme/m", version: "1")
        let dataset = ComponentRef(kind: .dataset, ecosystem: "huggingface", name: "acme/never-found")
        var builder = GraphBuilder()
        builder.add(
            InventoryFragment(
                components: [ComponentRecord(ref: model, properties: ["license": "mit"], source: "card.md")],
                edges: [
                    EdgeRecord(
                        from: model, to: dataset, relation: .trainedOn,
                        evidence: Evidence(source: "card.md", status: .inferred))
                ]))
        var request = BOMRequest(inventory: ["x"])
        request.timestamp = "2026-01-01T00:00:00Z"
        request.serialNumber = "urn:uuid:00000000-0000-0000-0000-000000000000"
        let bom = try BOMGenerator.cycloneDX(graph: builder.build().graph, request: request).json
        #expect(bom["serialNumber"] == .string("urn:uuid:00000000-0000-0000-0000-000000000000"))
        let components = try #require(bom["components"]?.arrayValue)
        let data = try #require(components.first { $0["type"] == .string("data") })
        #expect(data["bom-ref"] == .string("pkg:huggingface/datasets/acme/never-found"))
        #expect(FleetBOM.property(data, "stemma:unresolved") == ["true"])
        #expect(FleetBOM.property(data, "stemma:evidence") == ["inferred"])
        let modelComponent = try #require(components.first { $0["type"] == .string("machine-learning-model") })
        #expect(FleetBOM.property(modelComponent, "stemma:evidence") == ["declared"])
        #expect(FleetBOM.property(modelComponent, "stemma:unresolved").isEmpty)
    }

    @Test func badSerialAndTimestampAreRefused() {
        var request = BOMRequest(inventory: ["x"])
        request.serialNumber = "urn:uuid:nope"
        #expect(throws: StemmaError.self) {
            _ = try BOMGenerator.cycloneDX(graph: GraphBuilder().build().graph, request: request)
        }
        request.serialNumber = nil
        request.timestamp = "yesterday"
        #expect(throws: StemmaError.self) {
            _ = try BOMGenerator.cycloneDX(graph: GraphBuilder().build().graph, request: request)
        }
    }
}
