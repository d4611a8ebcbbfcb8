import Foundation
import StemmaGraph
import Testing

@testable import StemmaInventory
@testable import StemmaModelHeaders

/// The format samples under `Fixtures/formats/` (copied from the reference examples).
enum FormatFixture {
    /// The folder holding the samples.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/formats").path

    /// The path of one sample.
    static func path(_ name: String) -> String { folder + "/" + name }

    /// The bytes of one sample.
    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try #require(FileManager.default.contents(atPath: path(name))))
    }
}

@Suite struct BinaryCursorTests {
    @Test func readsLittleAndBigEndianIntegers() throws {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]
        var little = BinaryCursor(bytes)
        #expect(try little.readUInt16() == 0x0201)
        #expect(try little.readUInt32() == 0x0605_0403)
        #expect(little.remaining == 2)
        var big = BinaryCursor(bytes, bigEndian: true)
        #expect(try big.readUInt64() == 0x0102_0304_0506_0708)
        #expect(big.remaining == 0)
    }

    @Test func refusesReadsPastTheEndWithTheLengthNeeded() {
        var cursor = BinaryCursor([1, 2, 3], offset: 1)
        #expect(throws: BinaryCursor.OutOfBounds(offset: 1, needed: 4)) { try cursor.readUInt32() }
        #expect(throws: BinaryCursor.OutOfBounds.self) { try cursor.skip(.max) }
        #expect(BinaryCursor.OutOfBounds(offset: 10, needed: .max).requiredLength == .max)
        #expect(cursor.offset == 1)
    }

    @Test(arguments: [
        (#"{"a": 1, "b": {"c": [1, {"d": 2}]}, "e": "x"#, ["a", "b", "e"]),
        (#"  {"name": "q\"uote", "skills": ["#, ["name", "skills"]),
        (#"{}"#, []),
    ])
    func topLevelKeysOfATruncatedHead(text: String, keys: [String]) {
        #expect(FormatReaderSupport.topLevelKeys(Array(text.utf8)) == Set(keys))
    }

    @Test func topLevelKeysNeedAnObject() {
        #expect(FormatReaderSupport.topLevelKeys(Array("[1, 2]".utf8)) == nil)
        #expect(FormatReaderSupport.topLevelKeys([0x00, 0x01]) == nil)
    }

    @Test(
        arguments: [
            ("https://huggingface.co/meta-llama/Llama-3.1-8B", "pkg:huggingface/meta-llama/Llama-3.1-8B"),
            (
                "https://huggingface.co/datasets/HuggingFaceH4/ultrachat_200k/tree/main",
                "pkg:huggingface/datasets/HuggingFaceH4/ultrachat_200k"
            ),
            ("hf.co/org/name?x=1", "pkg:huggingface/org/name"),
            ("https://huggingface.co/spaces/org/demo", nil),
            ("https://huggingface.co/gpt2", nil),
            ("https://example.com/org/name", nil),
        ] as [(String, String?)])
    func huggingFaceURLs(url: String, expected: String?) {
        #expect(FormatReaderSupport.huggingFaceRef(url: url)?.description == expected)
    }

    @Test(arguments: [
        ("https://user:secret@host.example/mcp?api_key=abc#frag", "https://host.example/mcp"),
        ("https://example.com/mcp", "https://example.com/mcp"),
    ])
    func urlsLoseCredentials(url: String, expected: String) {
        #expect(FormatReaderSupport.redactedURL(url) == expected)
    }

    /// A walker that grows the prefix reads a big GGUF header in a few rounds and never past the bound.
    @Test func headerPrefixGrowsToTheWholeGGUFHeader() throws {
        var builder = GGUFBuilder()
        builder.string("general.architecture", "llama")
        builder.stringArray("tokenizer.ggml.tokens", (0..<40_000).map { "token-\($0)" })
        builder.string("general.name", "Big Vocab")
        let file = builder.bytes() + [UInt8](repeating: 0, count: 4 << 20)  // tensor data
        var reads: [Int] = []
        let prefix = GGUFReader.prefix(head: Array(file.prefix(64 << 10)), fileSize: file.count) { length in
            reads.append(length)
            return Array(file.prefix(length))
        }
        #expect(prefix.count >= builder.bytes().count && prefix.count < file.count)
        #expect(reads.count <= 4)
        let fragment = GGUFReader.read(path: "big.gguf", bytes: prefix)
        #expect(fragment.warnings.isEmpty)
        #expect(fragment.components.first?.ref.description == "model:Big Vocab")
    }

    @Test func headerPrefixReadsTheExactSafetensorsHeader() throws {
        let json = #"{"__metadata__":{"format":"pt","pad":""# + String(repeating: "x", count: 100_000) + #""}}"#
        var file = withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian, Array.init) + Array(json.utf8)
        file += [UInt8](repeating: 7, count: 5_000)
        var reads: [Int] = []
        let prefix = SafetensorsReader.prefix(head: Array(file.prefix(64 << 10)), fileSize: file.count) { length in
            reads.append(length)
            return Array(file.prefix(length))
        }
        #expect(reads == [json.utf8.count + 8])
        #expect(SafetensorsReader.read(path: "m/model.safetensors", bytes: prefix).warnings.isEmpty)
    }

    @Test func headerPrefixStopsAtTheBound() throws {
        var builder = GGUFBuilder()
        builder.rawKey("general.name", type: 8)
        builder.u64(UInt64(200 << 20))  // a string that claims 200 MiB
        let head = builder.bytes()
        let prefix = GGUFReader.prefix(head: head, fileSize: 1 << 40) { _ in
            Issue.record("no read expected: the string exceeds the 1 MiB string bound")
            return []
        }
        #expect(prefix == head)
        #expect(GGUFReader.read(path: "h.gguf", bytes: prefix).warnings.count == 1)
    }
}
