import StemmaBOM
import StemmaCore
import StemmaGraph
import Testing

@Suite struct CycloneDXFleetTests {
    @Test func fleetHasEveryKindMapped() throws {
        let bom = try BOMGenerator.cycloneDX(FleetBOM.request()).json
        #expect(bom["bomFormat"] == .string("CycloneDX"))
        #expect(bom["specVersion"] == .string("1.6"))
        #expect(bom["metadata"]?["component"]?["bom-ref"] == .string("fleet:fleet"))
        #expect(bom["metadata"]?["timestamp"] == .string("2026-01-01T00:00:00Z"))
        let components = try #require(bom["components"]?.arrayValue)
        let types = components.compactMap { $0["type"]?.stringValue }
        #expect(types.filter { $0 == "application" }.count == 48)
        #expect(types.filter { $0 == "machine-learning-model" }.count == 39)
        #expect(types.filter { $0 == "data" }.count == 16)
        #expect(types.filter { $0 == "library" }.count == 18)
        // 25 named tools and MCP servers, plus `tool:sanctions-screen`, which two manifests name and which is no
        // longer merged with the MCP server that a third agent's config calls `sanctions-screen`.
        #expect(bom["services"]?.arrayValue?.count == 26)
        let refs = components.compactMap { $0["bom-ref"]?.stringValue }
        #expect(refs == refs.sorted())
        for component in components {
            #expect(FleetBOM.property(component, "stemma:evidence").count == 1)
        }
    }

    @Test func noDanglingOrDuplicateRefs() throws {
        for request in [FleetBOM.request(), FleetBOM.request(advisories: [FleetBOM.advisories])] {
            let bom = try BOMGenerator.cycloneDX(request).json
            let refs = FleetBOM.bomRefs(bom)
            #expect(Set(refs).count == refs.count)
            let dangling = Set(FleetBOM.references(bom)).subtracting(refs)
            #expect(dangling.isEmpty, "dangling: \(dangling.sorted())")
        }
    }

    @Test func lineageIsPedigreeAndTrainingDataIsModelCard() throws {
        let bom = try BOMGenerator.cycloneDX(FleetBOM.request()).json
        let components = try #require(bom["components"]?.arrayValue)
        let ref = "pkg:huggingface/acme-bank/cx-llama-3.1-8b-ft@b3ae592e3b5e793277d7fc14c9bef5836f8f5890"
        let model = try #require(components.first { $0["bom-ref"] == .string(ref) })
        let ancestors = try #require(model["pedigree"]?["ancestors"]?.arrayValue)
        #expect(!ancestors.isEmpty)
        #expect(ancestors.allSatisfy { $0["bom-ref"] == nil && !FleetBOM.property($0, "stemma:relation").isEmpty })
        #expect(model["purl"] == .string(ref))
        let dataDatasets = Set(
            components.filter { $0["type"] == .string("data") }.compactMap { $0["bom-ref"]?.stringValue })
        let datasetRefs = components.flatMap { component in
            (component["modelCard"]?["modelParameters"]?["datasets"]?.arrayValue ?? []).compactMap {
                $0["ref"]?.stringValue
            }
        }
        #expect(datasetRefs.count >= 7)
        #expect(datasetRefs.allSatisfy(dataDatasets.contains))
        #expect(components.filter { $0["type"] == .string("data") }.allSatisfy { $0["purl"] == nil })
    }

    @Test func toolsAreServicesWithEndpoints() throws {
        let bom = try BOMGenerator.cycloneDX(FleetBOM.request()).json
        let services = try #require(bom["services"]?.arrayValue)
        // The MCP server is named by its URL, not by its config key (`sanctions-screen`).
        let sanctions = try #require(
            services.first { $0["bom-ref"] == .string("tool:https://sanctions.acme-bank.internal/mcp") })
        #expect(sanctions["endpoints"] == .array([.string("https://sanctions.acme-bank.internal/mcp")]))
        let components = try #require(bom["components"]?.arrayValue)
        #expect(!components.contains { $0["bom-ref"]?.stringValue?.hasPrefix("tool:") == true })
    }

    @Test func twoRunsAreByteIdentical() throws {
        let first = try BOMGenerator.cycloneDX(FleetBOM.request(advisories: [FleetBOM.advisories]))
        let second = try BOMGenerator.cycloneDX(FleetBOM.request(advisories: [FleetBOM.advisories]))
        #expect(first.bytes == second.bytes)
        let serial = try #require(first.json["serialNumber"]?.stringValue)
        #expect(BOMSerialNumber.isValid(serial))
    }

    @Test func agentBOMIsItsClosure() throws {
        let bom = try BOMGenerator.cycloneDX(FleetBOM.request(agent: "agent:cx-compliance-report-writer@2.0.1")).json
        let subject = try #require(bom["metadata"]?["component"])
        #expect(subject["type"] == .string("application"))
        #expect(FleetBOM.property(subject, "stemma:owner") == ["cx-compliance"])
        let components = try #require(bom["components"]?.arrayValue)
        #expect(!components.isEmpty && components.count < 40)
        #expect(!components.contains { $0["bom-ref"] == subject["bom-ref"] })
    }

    @Test func advisoriesAffectAgents() throws {
        let bom = try BOMGenerator.cycloneDX(FleetBOM.request(advisories: [FleetBOM.advisories])).json
        let vulnerabilities = try #require(bom["vulnerabilities"]?.arrayValue)
        let entry = try #require(vulnerabilities.first { $0["id"] == .string("PYSEC-2023-18") })
        let affects = (entry["affects"]?.arrayValue ?? []).compactMap { $0["ref"]?.stringValue }
        #expect(affects.contains { $0.hasPrefix("pkg:pypi/langchain@") })
        #expect(affects.contains { $0.hasPrefix("agent:") })
    }

    @Test func unknownAgentIsAUsageError() {
        #expect(throws: StemmaError.self) {
            _ = try BOMGenerator.cycloneDX(FleetBOM.request(agent: "agent:nobody@1.0"))
        }
    }
}
