import Foundation
import StemmaGraph
import StemmaInventory
import Testing

@Suite struct CardReaderTests {
    private func edges(_ fragment: InventoryFragment) -> Set<String> {
        Set(
            fragment.edges.map { edge in
                guard case .component(let from) = edge.from else { return "folder -> \(edge.to)" }
                return "\(from) \(edge.relation.rawValue) \(edge.to)"
            })
    }

    @Test func hubCacheModelCardGivesIdentityLineageTrainingAndEvaluation() throws {
        let path = "hub/models--acme-corp--acme-support-llama-8b/snapshots/0123abcd/README.md"
        let bytes = try FixtureFiles.bytes("cards/hf-model-card.finetune.README.md")
        #expect(HuggingFaceCardReader.recognizes(path: path, head: bytes))
        let fragment = HuggingFaceCardReader.read(path: path, bytes: bytes)
        let model = "pkg:huggingface/acme-corp/acme-support-llama-8b@0123abcd"
        #expect(fragment.components.map(\.ref.description) == [model])
        #expect(fragment.components.first?.properties["license"] == "llama3.1")
        #expect(
            edges(fragment) == [
                "\(model) fine-tuned-from pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct",
                "\(model) trained-on pkg:huggingface/datasets/HuggingFaceH4/ultrachat_200k",
                "\(model) trained-on pkg:huggingface/datasets/acme-corp/support-tickets-2025",
                "\(model) evaluated-on pkg:huggingface/datasets/google/IFEval",
            ])
        #expect(fragment.warnings.isEmpty)
    }

    @Test func datasetCardGivesSourceDatasetsButNotOriginal() throws {
        let path = "hub/datasets--acme-corp--support-tickets-2025/snapshots/feed/README.md"
        let fragment = HuggingFaceCardReader.read(
            path: path, bytes: try FixtureFiles.bytes("cards/hf-dataset-card.README.md"))
        let dataset = "pkg:huggingface/datasets/acme-corp/support-tickets-2025@feed"
        #expect(fragment.components.map(\.ref.description) == [dataset])
        #expect(edges(fragment) == ["\(dataset) derived-from pkg:huggingface/datasets/HuggingFaceH4/ultrachat_200k"])
    }

    /// The variants file holds three cards; each is read as its own README.md.
    @Test(arguments: [
        (0, "merged-from", ["Endevor/InfinityRP-v1-7B", "l3utterfly/mistral-7b-v0.1-layla-v4"]),
        (1, "adapter-of", ["black-forest-labs/FLUX.1-dev"]),
        (2, "fine-tuned-from", ["meta-llama/Meta-Llama-3.1-8B-Instruct"]),
    ])
    func mergeAdapterAndQuantizedShapes(_ index: Int, _ relation: String, _ bases: [String]) throws {
        let text = String(decoding: try FixtureFiles.bytes("cards/hf-model-card.variants.README.md"), as: UTF8.self)
        let blocks = text.components(separatedBy: "\n---\n")
        // blocks alternate: prose, front matter, prose, front matter, …
        let frontMatter = blocks[1 + index * 2].split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(
            separator: "\n")
        let card = Array(("---\n" + frontMatter + "\n---\n").utf8)
        let fragment = HuggingFaceCardReader.read(path: "plain-\(index)/README.md", bytes: card)
        #expect(fragment.components.first?.ref.description == "model:plain-\(index)")
        let expected = Set(bases.map { "model:plain-\(index) \(relation) pkg:huggingface/\($0)" })
        #expect(edges(fragment).filter { $0.contains(relation) } == expected)
    }

    @Test func quantizedRelationIsRead() {
        let card = Array("---\nbase_model: acme/ft\nbase_model_relation: quantized\n---\n".utf8)
        let fragment = HuggingFaceCardReader.read(path: "hub/models--acme--ft-gguf/snapshots/r/README.md", bytes: card)
        #expect(edges(fragment) == ["pkg:huggingface/acme/ft-gguf@r quantized-from pkg:huggingface/acme/ft"])
    }

    @Test(arguments: [
        ("# just prose\n", "no YAML front matter"),
        ("---\nbase_model: [unclosed\n---\n", "not valid YAML"),
        ("---\n- a list\n---\n", "not a YAML mapping"),
        ("---\nbase_model: x\n", "not closed"),
    ])
    func hostileCardsAreWarningsNamingTheFile(_ text: String, _ expected: String) {
        let fragment = HuggingFaceCardReader.read(path: "m/README.md", bytes: Array(text.utf8))
        #expect(fragment.components.isEmpty)
        #expect(fragment.warnings.count == 1)
        #expect(fragment.warnings.first?.source == "m/README.md")
        #expect(fragment.warnings.first?.message.contains(expected) == true, "\(fragment.warnings)")
    }

    @Test func badBaseModelValuesAreWarnings() {
        let card = Array("---\nbase_model: [\"../../etc\", \"a/b/c/d\", \"ok/model\"]\n---\n".utf8)
        let fragment = HuggingFaceCardReader.read(path: "m/README.md", bytes: card)
        #expect(edges(fragment) == ["model:m merged-from pkg:huggingface/ok/model"])
        #expect(fragment.warnings.count == 2)
    }
}
