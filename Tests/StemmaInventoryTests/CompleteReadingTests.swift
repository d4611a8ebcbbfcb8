import StemmaCore
import StemmaGraph
import StemmaTestSupport
import Testing

@testable import StemmaInventory

/// No reader drops items past a count (issue 11: "No input that was not read can end in exit 0"). Every list is
/// read whole, since the document's size and the YAML tree's node bound already bound it; a file that crosses one
/// of Stemma's own bounds is reported as not read in full, and `requireComplete` then refuses to answer.
@Suite struct CompleteReadingTests {
    private func targets(_ fragment: InventoryFragment, _ relation: Relation) -> [String] {
        fragment.edges.filter { $0.relation == relation }.map(\.to.description)
    }

    private func incomplete(_ fragment: InventoryFragment) -> [InventoryWarning] {
        fragment.warnings.filter(\.isIncomplete)
    }

    @Test func aManifestListOfTwentyThousandModelsAndDependenciesIsReadWhole() {
        // The old bound was 10,000 per list: the 10,001st model was a dependency no query found.
        let count = 20_000
        var yaml = "stemma: component/v1\nkind: agent\nname: big\nmodels:\n"
        for index in 0..<count { yaml += "  - pkg:huggingface/org/model-\(index)\n" }
        yaml += "dependsOn:\n"
        for index in 0..<count { yaml += "  - ref: pkg:pypi/lib-\(index)\n" }
        let fragment = StemmaManifestReader.read(path: "stemma.yaml", bytes: Array(yaml.utf8))
        let models = targets(fragment, .usesModel)
        #expect(models.count == count)
        #expect(models.last == "pkg:huggingface/org/model-\(count - 1)")
        #expect(targets(fragment, .requiresPackage).count == count)
        #expect(incomplete(fragment).isEmpty)
    }

    @Test func aManifestOverTheYAMLNodeBoundIsNotFullyRead() throws {
        var yaml = "stemma: component/v1\nkind: agent\nname: big\nmodels:\n"
        yaml.reserveCapacity(8 << 20)
        for _ in 0..<YAMLTree.maxNodes { yaml += "- m\n" }
        let fragment = StemmaManifestReader.read(path: "stemma.yaml", bytes: Array(yaml.utf8))
        #expect(fragment.edges.isEmpty)
        let warning = try #require(incomplete(fragment).first)
        #expect(warning.message.contains("\(YAMLTree.maxNodes)"))
        #expect(throws: StemmaError.self) { try InventoryInputs.requireComplete(fragment.warnings) }
    }

    @Test func aCardReadsEveryBaseModelTagAndDataset() {
        var yaml = "---\nbase_model:\n"
        for index in 0..<300 { yaml += "- org/base-\(index)\n" }
        yaml += "datasets:\n"
        for index in 0..<1_100 { yaml += "- org/data-\(index)\n" }
        yaml += "tags:\n"
        for index in 0..<12_000 { yaml += "- tag-\(index)\n" }
        yaml += "- base_model:adapter:org/last-adapter\n---\n# card\n"
        let fragment = HuggingFaceCardReader.read(path: "card/README.md", bytes: Array(yaml.utf8))
        #expect(targets(fragment, .mergedFrom).count == 300)
        #expect(targets(fragment, .trainedOn).count == 1_100)
        #expect(targets(fragment, .adapterOf) == ["pkg:huggingface/org/last-adapter"])
    }

    @Test func aCardWhoseFrontMatterRunsPastTheCardLimitIsNotFullyRead() throws {
        let folder = try TemporaryFolder()
        let limits = InventoryLimits()
        var card = "---\nbase_model: org/base\ntags:\n"
        while card.utf8.count <= limits.maxCardBytes { card += "- a-tag-that-takes-some-room\n" }
        try folder.write("m/README.md", card + "---\n")
        try folder.write("short/README.md", "---\nbase_model: org/base\n")  // unterminated, but whole: malformed
        let result = Inventory().read([folder.path])
        let notRead = result.warnings.filter(\.isIncomplete)
        #expect(notRead.map(\.source) == [folder.path + "/m/README.md"])
        #expect(notRead.first?.message.contains("\(limits.maxCardBytes)") == true)
        #expect(result.warnings.contains { $0.source.hasSuffix("short/README.md") && !$0.isIncomplete })
        #expect(throws: StemmaError.self) { try InventoryInputs.requireComplete(result.warnings) }
    }

    @Test func aLockfileOverTwoHundredThousandPackagesIsReadWhole() {
        let count = 200_001  // the old bound was 200,000 packages
        var text = ""
        text.reserveCapacity(count * 20)
        for index in 0..<count { text += "pkg-\(index)==1.0\n" }
        let fragment = RequirementsReader.read(path: "app/requirements.txt", bytes: Array(text.utf8))
        #expect(fragment.components.count == count)
        #expect(fragment.components.last?.ref.description == "pkg:pypi/pkg-\(count - 1)@1.0")
        #expect(incomplete(fragment).isEmpty)
    }

    @Test func aCycloneDXBOMOverTwoHundredThousandComponentsIsReadWhole() {
        let count = 200_001  // the old bound was 200,000 components
        var json = #"{"bomFormat":"CycloneDX","specVersion":"1.6","components":["#
        json.reserveCapacity(count * 40)
        for index in 0..<count { json += (index == 0 ? "" : ",") + #"{"purl":"pkg:npm/p\#(index)@1"}"# }
        json += "]}"
        let fragment = CycloneDXReader.read(path: "bom.json", bytes: Array(json.utf8))
        #expect(fragment.components.count == count)
        #expect(fragment.components.last?.ref.description == "pkg:npm/p\(count - 1)@1")
    }

    @Test func cycloneDXAncestorsAndDatasetsAreReadWhole() {
        let ancestors = (0..<300).map { #"{"type":"machine-learning-model","name":"parent-\#($0)"}"# }
        let datasets = (0..<1_100).map { #"{"type":"data","name":"data-\#($0)"}"# }
        let json = """
            {"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"m",
            "pedigree":{"ancestors":[\(ancestors.joined(separator: ","))]},
            "modelCard":{"modelParameters":{"datasets":[\(datasets.joined(separator: ","))]}}}]}
            """
        let fragment = CycloneDXReader.read(path: "bom.json", bytes: Array(json.utf8))
        #expect(targets(fragment, .fineTunedFrom).count == 300)
        #expect(targets(fragment, .trainedOn).count == 1_100)
    }

    @Test func aJSONDocumentOverTheDepthBoundIsNotFullyRead() throws {
        let json = #"{"bomFormat":"CycloneDX","components":"# + String(repeating: "[", count: 100) + "]"
        let fragment = CycloneDXReader.read(path: "bom.json", bytes: Array(json.utf8))
        let warning = try #require(incomplete(fragment).first)
        #expect(warning.message.contains("not read"))
        // A document recognised as a BOM that then fails to parse (cut short) is not read either: its edges could
        // make an agent affected.
        let broken = CycloneDXReader.read(path: "bom.json", bytes: Array(#"{"bomFormat":"CycloneDX","#.utf8))
        #expect(incomplete(broken).count == 1)
    }

    @Test func ggufDatasetsAndBaseModelsPastTheOldBoundsAreRead() {
        var builder = GGUFBuilder()
        builder.string("general.name", "quant")
        builder.stringArray("general.datasets", (0..<300).map { "dataset:set-\($0)" })
        builder.string("general.base_model.300.name", "late-base")
        let fragment = GGUFReader.read(path: "m.gguf", bytes: builder.bytes())
        #expect(targets(fragment, .trainedOn).count == 300)
        #expect(targets(fragment, .fineTunedFrom) == ["model:late-base"])
    }

    @Test func aDocumentOverTheSizeLimitIsNotFullyRead() throws {
        let folder = try TemporaryFolder()
        try folder.write("a/stemma.yaml", "stemma: component/v1\nkind: agent\nname: a\nmodels: [model:m]\n")
        try folder.write(
            "b/bom.json", #"{"bomFormat":"CycloneDX","components":[]}"# + String(repeating: " ", count: 4096))
        var limits = InventoryLimits()
        limits.maxDocumentBytes = 1024
        let result = Inventory(limits: limits).read([folder.path])
        #expect(result.warnings.filter(\.isIncomplete).map(\.source) == [folder.path + "/b/bom.json"])
        do {
            try InventoryInputs.requireComplete(result.warnings)
            Issue.record("an inventory with a file not read in full was accepted")
        } catch {
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("b/bom.json") && error.message.contains("1024"))
        }
    }

    @Test func foldersPastTheWalkBoundsAreNotFullyRead() throws {
        let folder = try TemporaryFolder()
        try folder.write("a/b/c/d/stemma.yaml", "stemma: component/v1\nkind: agent\nname: deep\n")
        for index in 0..<5 { try folder.write("many/f\(index).txt", "x") }
        var limits = InventoryLimits()
        limits.maxDepth = 2
        let deep = Inventory(limits: limits).read([folder.path + "/a"]).warnings
        #expect(deep.contains { $0.isIncomplete && $0.message.contains("deeper than 2") })
        limits = InventoryLimits()
        limits.maxFiles = 3
        let many = Inventory(limits: limits).read([folder.path + "/many"]).warnings
        #expect(many.contains { $0.isIncomplete && $0.message.contains("more than 3 files") })
        let whole = Inventory().read([folder.path]).warnings
        #expect(whole.allSatisfy { !$0.isIncomplete })
    }
}
