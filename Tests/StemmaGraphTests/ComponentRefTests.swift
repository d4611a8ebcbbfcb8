import StemmaGraph
import Testing

@Suite struct ComponentRefTests {
    @Test(arguments: [
        ("pkg:pypi/LangChain_Core@0.1.0", "pkg:pypi/langchain-core@0.1.0"),
        ("pkg:huggingface/meta-llama/Llama-3.1-8B", "pkg:huggingface/meta-llama/Llama-3.1-8B"),
        ("pkg:npm/%40modelcontextprotocol/server-github@1.2.0", "pkg:npm/@modelcontextprotocol/server-github@1.2.0"),
        ("model:acme/support-llama@v3", "pkg:huggingface/acme/support-llama@v3"),
        ("model:acme-fraud-v3@2", "model:acme-fraud-v3@2"),
        ("package:pypi/Torch@2.5.1+cu121", "pkg:pypi/torch@2.5.1+cu121"),
        ("SHA256:" + String(repeating: "AB", count: 32), "sha256:" + String(repeating: "ab", count: 32)),
    ])
    func parsesAndNormalises(_ text: String, _ expected: String) throws {
        let ref = try #require(
            ComponentRef(parsing: text.hasPrefix("SHA") ? "sha256:" + String(text.dropFirst(7)) : text))
        #expect(ref.description == expected)
    }

    @Test func pep503NormalisesRunsOfSeparators() {
        #expect(ComponentRef.pep503("Foo.Bar__baz-") == "foo-bar-baz-")
    }

    @Test(arguments: ["", "pkg:", "pkg:pypi", "sha256:abc", "nokind"])
    func refusesMalformedRefs(_ text: String) {
        #expect(ComponentRef(parsing: text) == nil)
    }

    @Test func unversionedDropsOnlyTheVersion() throws {
        let ref = try #require(ComponentRef(parsing: "pkg:pypi/torch@2.5.1"))
        #expect(ref.unversioned.description == "pkg:pypi/torch")
    }
}
