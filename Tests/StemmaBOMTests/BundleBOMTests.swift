import StemmaBOM
import StemmaCore
import StemmaGraph
import StemmaInventory
import StemmaTestSupport
import Testing

@Suite struct BundleBOMTests {
    /// SHA-256 of "abc" and of the empty string, from FIPS 180-2 and common knowledge.
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func everyFileIsListedWithItsRecomputedDigestAndTheNamedModelIsTheSubject() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("bundle/weights/a.bin", "abc")
        _ = try folder.write("bundle/empty.txt", "")
        _ = try folder.write(
            "bundle/README.md", "---\nlicense: mit\nbase_model: acme/base\n---\n# tiny\n")
        let (read, model) = try BundleGraph.read(folder.path + "/bundle")
        var request = BOMRequest(inventory: [folder.path + "/bundle"])
        request.model = model
        request.timestamp = "2026-01-01T00:00:00Z"
        let bom = try BOMGenerator.cycloneDX(graph: read.graph, request: request).json

        #expect(bom["metadata"]?["component"]?["type"]?.stringValue == "machine-learning-model")
        let files = (bom["components"]?.arrayValue ?? []).filter { $0["type"]?.stringValue == "file" }
        let digests = Dictionary(
            uniqueKeysWithValues: files.compactMap { file -> (String, String)? in
                guard let name = file["name"]?.stringValue,
                    let digest = file["hashes"]?.arrayValue?.first?["content"]?.stringValue
                else { return nil }
                return (name, digest)
            })
        #expect(digests["weights/a.bin"] == Self.abc)
        #expect(digests["empty.txt"] == Self.empty)
        #expect(digests["README.md"] != nil)
        #expect(digests.count == 3)
    }

    @Test func aBundleWithoutCardsIsNamedAfterItsFolder() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("plain-model/x.bin", "abc")
        let (read, model) = try BundleGraph.read(folder.path + "/plain-model")
        #expect(model == ComponentRef(kind: .model, name: "plain-model"))
        #expect(read.graph.id(of: ComponentRef.artifact(sha256: Self.abc)) != nil)
    }
}
