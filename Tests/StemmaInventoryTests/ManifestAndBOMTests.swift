import StemmaGraph
import StemmaInventory
import Testing

@Suite struct ManifestAndBOMTests {
    private func edges(_ fragment: InventoryFragment) -> Set<String> {
        Set(
            fragment.edges.compactMap { edge in
                guard case .component(let from) = edge.from else { return nil }
                return "\(from) \(edge.relation.rawValue) \(edge.to)"
            })
    }

    @Test func stemmaManifestWithShortcutsAndDependsOn() {
        let yaml = """
            stemma: component/v1
            kind: agent
            name: cx-summary
            version: 1.4.0
            owner: cx-platform
            stage: production
            account: aws-prod-cx
            models: [pkg:huggingface/acme/cx-llama@4f2a]
            tools: [tool:crm-lookup]
            agents: [agent:fraud-score]
            corpora: [corpus:kb@2026-10]
            packages: [pkg:pypi/LangChain@0.0.130]
            dependsOn:
              - ref: dataset:acme/tickets
                relation: trained-on
            artifacts:
              - path: prompt.txt
                sha256: \(String(repeating: "ab", count: 32))
            properties:
              cost-center: "4410"
            """
        #expect(StemmaManifestReader.recognizes(path: "any-name.yml", head: Array(yaml.utf8)))
        let fragment = StemmaManifestReader.read(path: "fleet/cx/stemma.yaml", bytes: Array(yaml.utf8))
        let agent = "agent:cx-summary@1.4.0"
        #expect(fragment.components.first?.ref.description == agent)
        #expect(
            fragment.components.first?.properties == [
                "owner": "cx-platform", "stage": "production", "account": "aws-prod-cx", "cost-center": "4410",
            ])
        #expect(fragment.components.first?.artifacts == [String(repeating: "ab", count: 32)])
        #expect(
            edges(fragment) == [
                "\(agent) uses-model pkg:huggingface/acme/cx-llama@4f2a", "\(agent) uses-tool tool:crm-lookup",
                "\(agent) spawns agent:fraud-score", "\(agent) retrieves-from corpus:kb@2026-10",
                "\(agent) requires-package pkg:pypi/langchain@0.0.130",
                "\(agent) trained-on pkg:huggingface/datasets/acme/tickets",
            ])
        #expect(fragment.warnings.isEmpty)
    }

    @Test func manifestListOfComponentsAndProblems() {
        let yaml = """
            stemma: component/v1
            components:
              - {kind: model, name: m1, dependsOn: [{ref: "model:m0", relation: adapter}]}
              - {kind: spaceship, name: x}
              - {kind: agent, name: a, stage: prod, models: ["not a ref"], dependsOn: [{ref: "model:m1", relation: befriends}]}
            """
        let fragment = StemmaManifestReader.read(path: "many.yaml", bytes: Array(yaml.utf8))
        #expect(fragment.components.map(\.ref.description) == ["model:m1", "agent:a"])
        #expect(edges(fragment).contains("model:m1 adapter-of model:m0"))
        #expect(fragment.warnings.count == 3, "\(fragment.warnings)")
    }

    @Test func cycloneDXMinimalAndExtended() throws {
        for name in ["boms/mlbom-minimal.cdx.json", "boms/mlbom-extended.cdx.json"] {
            let bytes = try FixtureFiles.bytes(name)
            #expect(CycloneDXReader.recognizes(path: name, head: Array(bytes.prefix(65536))))
            let fragment = CycloneDXReader.read(path: name, bytes: bytes)
            #expect(!fragment.components.isEmpty, "\(name)")
            #expect(fragment.components.contains { $0.ref.kind == .model }, "\(name)")
            #expect(!fragment.edges.isEmpty, "\(name)")
        }
    }

    @Test func cycloneDXSubjectIsAnAgentWithItsProperties() {
        let bom = """
            {"bomFormat": "CycloneDX", "specVersion": "1.6",
             "metadata": {"component": {"type": "application", "bom-ref": "me", "name": "fraud-score", "version": "3",
               "properties": [{"name": "stemma:owner", "value": "risk"}, {"name": "stemma:account", "value": "aws-prod-internal"}]}},
             "components": [
               {"type": "machine-learning-model", "bom-ref": "m", "name": "scorer", "purl": "pkg:huggingface/acme/scorer@abc",
                "pedigree": {"ancestors": [{"type": "machine-learning-model", "name": "base", "purl": "pkg:huggingface/meta/base"}]},
                "modelCard": {"modelParameters": {"datasets": [{"ref": "d"}]}},
                "hashes": [{"alg": "SHA-256", "content": "\(String(repeating: "cd", count: 32))"}]},
               {"type": "data", "bom-ref": "d", "name": "transactions-2025"},
               {"type": "library", "bom-ref": "p", "name": "torch", "purl": "pkg:pypi/torch@2.5.1%2Bcu121"}],
             "dependencies": [{"ref": "me", "dependsOn": ["m", "p", "ghost"]}]}
            """
        let fragment = CycloneDXReader.read(path: "boms/fraud.cdx.json", bytes: Array(bom.utf8))
        let subject = fragment.components.first { $0.ref.kind == .agent }
        #expect(subject?.ref.description == "agent:fraud-score@3")
        #expect(subject?.properties["owner"] == "risk")
        #expect(
            edges(fragment) == [
                "agent:fraud-score@3 uses-model pkg:huggingface/acme/scorer@abc",
                "agent:fraud-score@3 requires-package pkg:pypi/torch@2.5.1+cu121",
                "pkg:huggingface/acme/scorer@abc fine-tuned-from pkg:huggingface/meta/base",
                "pkg:huggingface/acme/scorer@abc trained-on dataset:transactions-2025",
            ])
        #expect(fragment.components.first { $0.ref.kind == .model }?.artifacts == [String(repeating: "cd", count: 32)])
        #expect(fragment.warnings.map(\.message).contains { $0.contains("ghost") })
    }

    @Test func brokenBOMReportsDanglingAndDuplicateRefs() throws {
        let fragment = CycloneDXReader.read(
            path: "broken.cdx.json", bytes: try FixtureFiles.bytes("boms/mlbom-broken.cdx.json"))
        #expect(!fragment.warnings.isEmpty)
        #expect(fragment.warnings.allSatisfy { $0.source == "broken.cdx.json" })
    }

    @Test func deeplyNestedOrMalformedJSONIsAWarning() {
        let deep =
            "{\"bomFormat\": \"CycloneDX\", \"x\": " + String(repeating: "[", count: 5000)
            + String(repeating: "]", count: 5000) + "}"
        let fragment = CycloneDXReader.read(path: "deep.json", bytes: Array(deep.utf8))
        #expect(fragment.components.isEmpty && fragment.warnings.count == 1)
        #expect(
            CycloneDXReader.read(path: "cut.json", bytes: Array("{\"bomFormat\": \"Cyclone".utf8)).warnings.count == 1)
    }
}
