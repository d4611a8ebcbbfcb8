import StemmaGraph
import StemmaInventory
import Testing

/// Readers give one identity per component: card lineage tags, MCP servers named by what they run, and manifest
/// keys that Stemma does not know.
@Suite struct IdentityReaderTests {
    private func card(_ yaml: String) -> InventoryFragment {
        let path = "hub/models--acme--child/snapshots/\(String(repeating: "a", count: 40))/README.md"
        return HuggingFaceCardReader.read(path: path, bytes: Array("---\n\(yaml)\n---\n".utf8))
    }

    private func lineage(_ fragment: InventoryFragment) -> [String] {
        fragment.edges.map { "\($0.relation.rawValue) \($0.to)" }
    }

    @Test(arguments: [
        ("adapter", "adapter-of"), ("quantized", "quantized-from"), ("merge", "merged-from"),
        ("finetune", "fine-tuned-from"),
    ])
    func hubLineageTagsGiveTheirRelation(_ tag: String, _ relation: String) {
        let tagsOnly = card("tags:\n  - base_model:\(tag):Org/Base\n  - base_model:Org/Base\n  - text-generation")
        #expect(lineage(tagsOnly) == ["\(relation) pkg:huggingface/Org/Base"])
        let withBase = card("base_model: org/base\ntags: [\"base_model:\(tag):Org/Base\"]")
        #expect(lineage(withBase) == ["\(relation) pkg:huggingface/org/base"])
    }

    @Test func aStatedRelationOutranksATag() {
        let fragment = card(
            "base_model: org/base\nbase_model_relation: quantized\ntags: [\"base_model:adapter:org/base\"]")
        #expect(lineage(fragment) == ["quantized-from pkg:huggingface/org/base"])
    }

    @Test func malformedLineageTagsAreIgnored() {
        let fragment = card("tags: [\"base_model:adapter:\", \"base_model:weird:org/x\", \"base_model:adapter:a b/c\"]")
        #expect(fragment.edges.isEmpty)
    }

    @Test func twoServersCalledFetchRunningDifferentPackagesAreTwoTools() {
        let first = MCPConfigReader.read(
            path: "a1/.mcp.json",
            bytes: Array(#"{"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch"]}}}"#.utf8))
        let second = MCPConfigReader.read(
            path: "a2/.mcp.json",
            bytes: Array(#"{"mcpServers": {"fetch": {"command": "npx", "args": ["-y", "evil-fetch"]}}}"#.utf8))
        #expect(first.components.map(\.ref.description) == ["tool:pkg:pypi/mcp-server-fetch"])
        #expect(second.components.map(\.ref.description) == ["tool:pkg:npm/evil-fetch"])
        #expect(first.components.first?.properties["server-name"] == "fetch")
        // The same package under two keys is one tool; a remote server is its URL, host in lowercase.
        let renamed = MCPConfigReader.read(
            path: "a3/.mcp.json",
            bytes: Array(
                #"{"mcpServers": {"web": {"command": "uvx", "args": ["mcp-server-fetch"]}, "r": {"url": "HTTPS://MCP.Example.com/v1/?k=s"}}}"#
                    .utf8))
        #expect(
            Set(renamed.components.map(\.ref.description)) == [
                "tool:pkg:pypi/mcp-server-fetch", "tool:https://mcp.example.com/v1",
            ])
    }

    @Test func localServersAreQualifiedByTheirFolder() {
        let json = Array(#"{"mcpServers": {"db": {"command": "node", "args": ["./server.js"]}}}"#.utf8)
        let one = MCPConfigReader.read(path: "agents/a1/.mcp.json", bytes: json)
        let two = MCPConfigReader.read(path: "agents/a2/.mcp.json", bytes: json)
        #expect(one.components.map(\.ref.description) == ["tool:agents/a1#db"])
        #expect(two.components.map(\.ref.description) == ["tool:agents/a2#db"])
    }

    private func manifest(_ body: String) -> InventoryFragment {
        StemmaManifestReader.read(path: "agents/x/stemma.yaml", bytes: Array("stemma: component/v1\n\(body)\n".utf8))
    }

    @Test func aMistypedKeyIsAWarningThatSuggestsTheKnownOne() {
        let fragment = manifest("kind: agent\nname: x\nmodel: [meta-llama/Llama-3.1-8B]")
        #expect(fragment.warnings.count == 1)
        #expect(fragment.warnings.first?.source == "agents/x/stemma.yaml")
        #expect(fragment.warnings.first?.message.contains("`model`") == true)
        #expect(fragment.warnings.first?.message.contains("did you mean `models`?") == true)
        #expect(fragment.edges.isEmpty)
    }

    @Test(arguments: [
        ("depends_on", "dependsOn"), ("Datasets", "datasets"), ("pakages", "packages"), ("subagents", "subAgents"),
        ("embedding", "embeddings"), ("artefacts", "artifacts"),
    ])
    func nearKeysAreSuggested(_ typed: String, _ meant: String) {
        let fragment = manifest("kind: agent\nname: x\n\(typed): []")
        #expect(
            fragment.warnings.map(\.message) == ["unknown manifest key `\(typed)` is ignored; did you mean `\(meant)`?"]
        )
    }

    @Test func aKeyNearNothingListsTheKnownKeys() {
        let fragment = manifest("kind: agent\nname: x\nfavourite_colour: blue")
        #expect(fragment.warnings.count == 1)
        #expect(fragment.warnings.first?.message.contains("Stemma reads `stemma`, `components`, `kind`") == true)
    }

    @Test func keysInsideAComponentListAreCheckedToo() {
        let fragment = manifest("components:\n  - {kind: model, name: m, datsets: [acme/t]}\ncomponent: []")
        let messages = fragment.warnings.map(\.message)
        #expect(messages.contains("unknown manifest key `component` is ignored; did you mean `components`?"))
        #expect(messages.contains("unknown manifest key `datsets` is ignored; did you mean `datasets`?"))
        #expect(messages.count == 2)
    }

    @Test func keysOfDependsOnAndArtifactEntriesAreChecked() {
        let fragment = manifest(
            "kind: model\nname: m\ndependsOn:\n  - {ref: \"org/base\", relaton: adapter}\nartifacts:\n  - {path: a, sha: x}"
        )
        let messages = fragment.warnings.map(\.message)
        #expect(messages.contains("unknown manifest key `relaton` is ignored; did you mean `relation`?"))
        #expect(messages.contains { $0.hasPrefix("unknown manifest key `sha` is ignored") })
    }

    @Test func unknownKeyWarningsAreBoundedPerDocument() {
        let items = (0..<5000).map { "  - {kind: model, name: m\($0), modle: [x/y]}" }.joined(separator: "\n")
        let fragment = manifest("components:\n" + items)
        #expect(fragment.warnings.count == 20)
        #expect(fragment.components.count == 5000)
    }

    @Test func aBareHubIDInAManifestIsTheHubModel() {
        let fragment = manifest(
            "kind: agent\nname: x\nmodels: [meta-llama/Llama-3.1-8B]\ndatasets: [acme-ml/aml-alerts]")
        #expect(
            fragment.edges.map { "\($0.relation.rawValue) \($0.to)" } == [
                "uses-model pkg:huggingface/meta-llama/Llama-3.1-8B",
                "retrieves-from pkg:huggingface/datasets/acme-ml/aml-alerts",
            ])
    }
}
