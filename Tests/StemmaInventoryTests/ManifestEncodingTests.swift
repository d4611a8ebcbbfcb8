import StemmaCore
import StemmaGraph
import Testing

@testable import StemmaInventory

/// Manifests and BOMs as editors and other tools really save them, and half-valid ones (issue 11: "No input that
/// was not read can end in exit 0"). A manifest with a byte order mark or in UTF-16 was skipped without a word; a
/// key written twice kept the first value (PyYAML keeps the last), so the agent's model edge could vanish.
@Suite struct ManifestEncodingTests {
    private let manifest = "stemma: component/v1\nkind: agent\nname: enc\nmodels: [meta-llama/Llama-3.1-8B]\n"

    private func models(_ fragment: InventoryFragment) -> [String] {
        fragment.edges.filter { $0.relation == .usesModel }.map(\.to.description)
    }

    private func utf16(_ text: String, littleEndian: Bool) -> [UInt8] {
        var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        for unit in text.utf16 {
            let (low, high) = (UInt8(unit & 0xFF), UInt8(unit >> 8))
            bytes += littleEndian ? [low, high] : [high, low]
        }
        return bytes
    }

    @Test(arguments: ["utf-8 mark", "utf-16le", "utf-16be"])
    func aManifestWithAByteOrderMarkIsRecognisedAndRead(encoding: String) {
        let bytes: [UInt8] =
            switch encoding {
            case "utf-8 mark": [0xEF, 0xBB, 0xBF] + Array(manifest.utf8)
            case "utf-16le": utf16(manifest, littleEndian: true)
            default: utf16(manifest, littleEndian: false)
            }
        #expect(StemmaManifestReader.recognizes(path: "stemma.yaml", head: bytes))
        let fragment = StemmaManifestReader.read(path: "stemma.yaml", bytes: bytes)
        #expect(fragment.warnings.isEmpty)
        #expect(models(fragment) == ["pkg:huggingface/meta-llama/Llama-3.1-8B"])
    }

    @Test(arguments: [
        "stemma: component/v1\nkind: agent\nname: b\nmodels: [x/y]\nmodels: [meta-llama/Llama-3.1-8B]\n",
        "stemma: component/v1\nkind: agent\nname: b\nmodels:\n  - x/y\n\t- meta-llama/Llama-3.1-8B\n",
        "stemma: component/v2\nkind: agent\nname: b\nmodels: [meta-llama/Llama-3.1-8B]\n",
    ])
    func aManifestThatCannotBeReadStopsTheRun(yaml: String) throws {
        let fragment = StemmaManifestReader.read(path: "stemma.yaml", bytes: Array(yaml.utf8))
        let warning = try #require(fragment.warnings.first)
        #expect(warning.isIncomplete && warning.message.contains("not read"))
        #expect(throws: StemmaError.self) { try InventoryInputs.requireComplete(fragment.warnings) }
    }

    @Test func aDuplicateKeyIsNamed() throws {
        let yaml = "stemma: component/v1\nkind: agent\nname: b\nmodels: [x/y]\nmodels: [meta-llama/Llama-3.1-8B]\n"
        let warning = try #require(StemmaManifestReader.read(path: "s.yaml", bytes: Array(yaml.utf8)).warnings.first)
        #expect(warning.message.contains("'models' appears twice"))
    }

    @Test func aCycloneDXBOMWithAByteOrderMarkIsRead() {
        let json = #"""
            {"bomFormat":"CycloneDX","specVersion":"1.6",
             "metadata":{"component":{"type":"application","name":"bb","bom-ref":"bb"}},
             "components":[{"type":"machine-learning-model","bom-ref":"m",
                            "purl":"pkg:huggingface/meta-llama/Llama-3.1-8B"}],
             "dependencies":[{"ref":"bb","dependsOn":["m"]}]}
            """#
        let bytes = [0xEF, 0xBB, 0xBF] + Array(json.utf8)
        #expect(CycloneDXReader.recognizes(path: "bom.json", head: bytes))
        let fragment = CycloneDXReader.read(path: "bom.json", bytes: bytes)
        #expect(fragment.warnings.isEmpty)
        #expect(fragment.edges.map(\.to.description) == ["pkg:huggingface/meta-llama/Llama-3.1-8B"])
    }
}
