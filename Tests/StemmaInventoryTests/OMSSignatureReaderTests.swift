import Foundation
import StemmaGraph
import StemmaInventory
import Testing

@Suite struct OMSSignatureReaderTests {
    /// The example bundle's signature was made by the real model_signing 1.1.1 (examples/make-examples.sh).
    @Test func exampleSignatureGivesTheModelAndItsFileDigests() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/bundles/sentiment-ft/model.sig").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(OMSSignatureReader.recognizes(path: path, head: Array(bytes.prefix(65536))))
        let fragment = OMSSignatureReader.read(path: path, bytes: bytes)
        #expect(fragment.warnings.isEmpty)
        let model = try #require(fragment.components.first)
        #expect(model.ref.description == "model:sentiment-ft")
        #expect(model.artifacts.count == 6)
        #expect(model.artifacts.allSatisfy { $0.utf8.count == 64 })
        #expect(model.properties["root-digest"]?.hasPrefix("sha256:") == true)
    }

    @Test func aDamagedSignatureIsAWarning() {
        let bytes = Array("{\"mediaType\": \"application/vnd.dev.sigstore.bundle.v0.3+json\", \"x\": 1}".utf8)
        let fragment = OMSSignatureReader.read(path: "m.sig", bytes: bytes)
        #expect(fragment.components.isEmpty)
        #expect(fragment.warnings.first?.source == "m.sig")
    }
}
