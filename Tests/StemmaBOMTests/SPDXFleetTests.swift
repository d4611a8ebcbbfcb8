import StemmaBOM
import StemmaCore
import StemmaGraph
import Testing

@Suite struct SPDXFleetTests {
    static let agent = "agent:cx-compliance-report-writer@2.0.1"

    static func graph(_ document: JSONValue) -> [JSONValue] { document["@graph"]?.arrayValue ?? [] }

    static func count(_ document: JSONValue, type: String) -> Int {
        graph(document).filter { $0["type"]?.stringValue == type }.count
    }

    @Test func fleetElementsAndContext() throws {
        let document = try BOMGenerator.spdx(FleetBOM.request()).json
        #expect(document["@context"] == .string("https://spdx.org/rdf/3.0.1/spdx-context.jsonld"))
        #expect(Self.count(document, type: "ai_AIPackage") == 39)
        #expect(Self.count(document, type: "dataset_DatasetPackage") == 16)
        #expect(Self.count(document, type: "software_Package") == 48 + 26 + 18)  // agents, tools, packages
        #expect(Self.count(document, type: "SpdxDocument") == 1)
        #expect(Self.count(document, type: "software_Sbom") == 1)
        let info = try #require(Self.graph(document).first)
        #expect(info["type"] == .string("CreationInfo"))
        #expect(info["specVersion"] == .string("3.0.1"))
        #expect(info["created"] == .string("2026-01-01T00:00:00Z"))
        for dataset in Self.graph(document) where dataset["type"] == .string("dataset_DatasetPackage") {
            #expect(dataset["dataset_datasetType"]?.arrayValue?.count == 1)
        }
    }

    @Test func relationshipTypesAndDirections() throws {
        let document = try BOMGenerator.spdx(FleetBOM.request()).json
        let relationships = Self.graph(document).filter { $0["relationshipType"] != nil }
        let types = Set(relationships.compactMap { $0["relationshipType"]?.stringValue })
        #expect(types.isSuperset(of: ["trainedOn", "testedOn", "dependsOn", "ancestorOf"]))
        #expect(types.isSubset(of: ["trainedOn", "testedOn", "dependsOn", "ancestorOf", "contains"]))
        let ids = Set(Self.graph(document).compactMap { $0["spdxId"]?.stringValue })
        for relationship in relationships {
            #expect(ids.contains(relationship["from"]?.stringValue ?? ""))
            for target in relationship["to"]?.arrayValue ?? [] { #expect(ids.contains(target.stringValue ?? "")) }
        }
        // Lineage runs from the base model to the derived one.
        let base = "pkg%3Ahuggingface%2Fmeta-llama%2FLlama-3.1-8B-Instruct"
        let derived = relationships.filter { relationship in
            relationship["relationshipType"] == .string("ancestorOf")
                && (relationship["from"]?.stringValue ?? "").hasSuffix("/" + base)
        }.flatMap { $0["to"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        #expect(derived.contains { $0.contains("cx-llama-3.1-8b-ft%40") })
        let trained = relationships.filter { $0["relationshipType"] == .string("trainedOn") }
        let typeOf = Dictionary(
            Self.graph(document).compactMap { element in
                element["spdxId"]?.stringValue.map { ($0, element["type"]?.stringValue ?? "") }
            }, uniquingKeysWith: { first, _ in first })
        for relationship in trained {
            #expect(typeOf[relationship["from"]?.stringValue ?? ""] == "ai_AIPackage")
            for target in relationship["to"]?.arrayValue ?? [] {
                #expect(typeOf[target.stringValue ?? ""] == "dataset_DatasetPackage")
            }
        }
    }

    @Test func hashesAreLowercaseSHA256() throws {
        let document = try BOMGenerator.spdx(FleetBOM.request()).json
        let hashes = Self.graph(document).flatMap { $0["verifiedUsing"]?.arrayValue ?? [] }
        #expect(!hashes.isEmpty)
        for hash in hashes {
            #expect(hash["type"] == .string("Hash"))
            #expect(hash["algorithm"] == .string("sha256"))
            let value = hash["hashValue"]?.stringValue ?? ""
            #expect(value.count == 64 && value == value.lowercased())
        }
    }

    @Test func timestampIsSecondsInUTC() throws {
        var request = FleetBOM.request()
        request.timestamp = nil
        let document = try BOMGenerator.spdx(request).json
        let created = try #require(Self.graph(document).first?["created"]?.stringValue)
        let shape = Array("0000-00-00T00:00:00Z")
        #expect(created.count == shape.count)
        for (character, expected) in zip(created, shape) {
            if expected == "0" {
                #expect(character.isASCII && character.isNumber)
            } else {
                #expect(character == expected)
            }
        }
    }

    @Test func deterministicAndIdentifiersUnique() throws {
        let first = try BOMGenerator.spdx(FleetBOM.request())
        let second = try BOMGenerator.spdx(FleetBOM.request())
        #expect(first.bytes == second.bytes)
        let ids = Self.graph(first.json).compactMap { $0["spdxId"]?.stringValue }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix("https://stemma.dev/spdx/") && !$0.contains(" ") })
        var fixed = FleetBOM.request()
        fixed.serialNumber = "urn:uuid:00000000-0000-8000-8000-000000000000"
        let pinned = try BOMGenerator.spdx(fixed).json
        let pinnedIDs = Self.graph(pinned).compactMap { $0["spdxId"]?.stringValue }
        #expect(pinnedIDs.allSatisfy { $0.hasPrefix("https://stemma.dev/spdx/00000000-0000-8000-8000-000000000000/") })
    }

    @Test func agentBOMIsItsClosure() throws {
        let document = try BOMGenerator.spdx(FleetBOM.request(agent: Self.agent)).json
        let sbom = try #require(Self.graph(document).first { $0["type"] == .string("software_Sbom") })
        let roots = sbom["rootElement"]?.arrayValue ?? []
        #expect(roots.count == 1)
        #expect((roots.first?.stringValue ?? "").hasSuffix("/agent%3Acx-compliance-report-writer%402.0.1"))
        #expect(Self.count(document, type: "ai_AIPackage") < 39)
        let elements = Set((sbom["element"]?.arrayValue ?? []).compactMap(\.stringValue))
        let declared = Set(
            Self.graph(document).filter {
                !["CreationInfo", "SoftwareAgent", "Tool", "SpdxDocument", "software_Sbom"]
                    .contains($0["type"]?.stringValue ?? "")
            }.compactMap { $0["spdxId"]?.stringValue })
        #expect(elements == declared)
    }

    @Test func lintWarnsAboutUnenforcedProfileProperties() throws {
        let document = try BOMGenerator.spdx(FleetBOM.request())
        let lint = document.warnings.filter { $0.source == "spdx" }
        #expect(lint.contains { $0.message.contains("ai_AIPackage") && $0.message.contains("releaseTime") })
        #expect(lint.contains { $0.message.contains("dataset_datasetType is noAssertion") })
        #expect(!lint.contains { $0.message.contains("is not an SPDX 3.0.1 value") })
    }

    @Test func advisoriesAreRefused() {
        #expect(throws: StemmaError.self) {
            try BOMGenerator.spdx(FleetBOM.request(advisories: [FleetBOM.advisories]))
        }
    }
}
