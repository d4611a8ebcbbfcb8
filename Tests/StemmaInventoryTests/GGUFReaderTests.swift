import StemmaGraph
import StemmaInventory
import Testing

/// Writes GGUF headers by hand, well-formed or not.
struct GGUFBuilder {
    var version: UInt32 = 3
    var tensorCount: UInt64 = 0
    /// When set, written instead of the number of pairs added.
    var kvCountOverride: UInt64?
    var bigEndian = false
    private var body: [UInt8] = []
    private var pairs: UInt64 = 0

    mutating func u32(_ value: UInt32) { body += Self.encode(UInt64(value), width: 4, bigEndian: bigEndian) }
    mutating func u64(_ value: UInt64) { body += Self.encode(value, width: 8, bigEndian: bigEndian) }
    mutating func raw(_ bytes: [UInt8]) { body += bytes }

    mutating func text(_ value: String) {
        u64(UInt64(value.utf8.count))
        body += Array(value.utf8)
    }

    /// A key and its value type; the caller writes the value.
    mutating func rawKey(_ key: String, type: UInt32) {
        pairs += 1
        text(key)
        u32(type)
    }

    mutating func string(_ key: String, _ value: String) {
        rawKey(key, type: 8)
        text(value)
    }

    mutating func uint32(_ key: String, _ value: UInt32) {
        rawKey(key, type: 4)
        u32(value)
    }

    mutating func stringArray(_ key: String, _ values: [String]) {
        rawKey(key, type: 9)
        u32(8)
        u64(UInt64(values.count))
        for value in values { text(value) }
    }

    func bytes() -> [UInt8] {
        var header = Array("GGUF".utf8)
        header += Self.encode(UInt64(version), width: 4, bigEndian: bigEndian)
        header += Self.encode(tensorCount, width: 8, bigEndian: bigEndian)
        header += Self.encode(kvCountOverride ?? pairs, width: 8, bigEndian: bigEndian)
        return header + body
    }

    static func encode(_ value: UInt64, width: Int, bigEndian: Bool) -> [UInt8] {
        let little = (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
        return bigEndian ? little.reversed() : little
    }
}

@Suite struct GGUFReaderTests {
    private func edges(_ fragment: InventoryFragment) -> [String] {
        fragment.edges.map { edge in
            guard case .component(let from) = edge.from else { return "folder -> \(edge.to)" }
            return "\(from) \(edge.relation.rawValue) \(edge.to)"
        }
    }

    @Test func readsTheReferenceFixture() throws {
        let path = FormatFixture.path("fixture.metadata-only.gguf")
        let bytes = try FormatFixture.bytes("fixture.metadata-only.gguf")
        #expect(GGUFReader.recognizes(path: path, head: bytes))
        let fragment = GGUFReader.read(path: path, bytes: bytes)
        #expect(fragment.warnings.isEmpty)
        let component = try #require(fragment.components.first)
        #expect(fragment.components.count == 1)
        #expect(component.ref.description == "model:Acme Support Llama 8B")
        #expect(
            component.properties == [
                "format": "gguf", "gguf_version": "3", "name": "Acme Support Llama 8B", "architecture": "llama",
                "license": "llama3.1", "size_label": "8B", "organization": "Acme Corp", "finetune": "support",
            ])
        #expect(
            edges(fragment) == [
                "model:Acme Support Llama 8B quantized-from pkg:huggingface/acme-corp/acme-support-llama-8b",
                "model:Acme Support Llama 8B fine-tuned-from pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct",
                "model:Acme Support Llama 8B trained-on pkg:huggingface/datasets/HuggingFaceH4/ultrachat_200k",
            ])
        #expect(fragment.edges.allSatisfy { $0.evidence == Evidence(source: path, status: .declared) })
    }

    @Test func theHeaderIsAllTheReaderNeeds() throws {
        let bytes = try FormatFixture.bytes("fixture.metadata-only.gguf")
        let needed = try #require(GGUFReader.bytesNeeded(head: bytes))
        #expect(needed <= bytes.count)
        #expect(GGUFReader.read(path: "f.gguf", bytes: Array(bytes.prefix(needed))).warnings.isEmpty)
        #expect(try #require(GGUFReader.bytesNeeded(head: Array(bytes.prefix(100)))) >= 200)
        #expect(GGUFReader.bytesNeeded(head: Array("not gguf at all".utf8)) == nil)
    }

    @Test func recognisedByContentNotName() throws {
        let bytes = try FormatFixture.bytes("fixture.metadata-only.gguf")
        #expect(GGUFReader.recognizes(path: "notes.txt", head: bytes))
        #expect(!GGUFReader.recognizes(path: "model.gguf", head: Array("GGUF is a file format\n".utf8)))
        #expect(!GGUFReader.recognizes(path: "model.gguf", head: try FormatFixture.bytes("fixture.tiny.safetensors")))
    }

    @Test func everyTruncationIsAWarning() throws {
        let bytes = try FormatFixture.bytes("fixture.metadata-only.gguf")
        let end = try #require(GGUFReader.bytesNeeded(head: bytes))
        for length in 0..<end {
            let fragment = GGUFReader.read(path: "cut.gguf", bytes: Array(bytes.prefix(length)))
            #expect(fragment.components.isEmpty && fragment.warnings.count == 1, "prefix of \(length) bytes")
        }
    }

    /// Every single-byte corruption of the fixture either reads or warns; none traps.
    @Test(arguments: [UInt8(0x00), 0x7F, 0xFF])
    func everyCorruptedByteIsSafe(value: UInt8) throws {
        let bytes = try FormatFixture.bytes("fixture.metadata-only.gguf")
        for index in bytes.indices {
            var corrupted = bytes
            corrupted[index] = value
            let fragment = GGUFReader.read(path: "c.gguf", bytes: corrupted)
            #expect(fragment.components.count + fragment.warnings.count >= 1)
        }
    }

    /// Hostile headers: each gives one warning naming the file, without trapping or allocating what it claims.
    @Test(arguments: HostileHeader.allCases)
    func hostileHeadersGiveAWarning(header: HostileHeader) {
        let fragment = GGUFReader.read(path: "hostile.gguf", bytes: header.bytes)
        #expect(fragment.components.isEmpty)
        #expect(fragment.warnings.count == 1)
        #expect(fragment.warnings.first?.source == "hostile.gguf")
        #expect(fragment.warnings.first?.message.contains(header.expectedReason) == true)
    }

    enum HostileHeader: CaseIterable, Sendable {
        case hugeStringLength, hugeKeyLength, hugeKVCount, hugeArrayCount, deepNesting, unknownType, badBoolean
        case badVersion, stringPastTheEnd

        var expectedReason: String {
            switch self {
            case .hugeStringLength, .hugeKeyLength: return "exceeds"
            case .hugeKVCount: return "cannot fit"
            case .hugeArrayCount: return "cannot fit"
            case .deepNesting: return "nested deeper"
            case .unknownType: return "unknown value type"
            case .badBoolean: return "Boolean"
            case .badVersion: return "not a valid GGUF header"
            case .stringPastTheEnd: return "truncated"
            }
        }

        var bytes: [UInt8] {
            var builder = GGUFBuilder()
            switch self {
            case .hugeStringLength:
                builder.rawKey("general.name", type: 8)
                builder.u64(.max)
            case .hugeKeyLength:
                builder.kvCountOverride = 1
                builder.u64(1 << 40)
            case .hugeKVCount:
                builder.kvCountOverride = .max >> 1
            case .hugeArrayCount:
                builder.rawKey("tokenizer.ggml.scores", type: 9)
                builder.u32(6)
                builder.u64(.max / 4)
            case .deepNesting:
                builder.rawKey("general.tags", type: 9)
                for _ in 0..<100 {
                    builder.u32(9)
                    builder.u64(1)
                }
            case .unknownType:
                builder.rawKey("general.name", type: 42)
            case .badBoolean:
                builder.rawKey("general.flag", type: 7)
                builder.raw([2])
            case .badVersion:
                builder.version = 7
            case .stringPastTheEnd:
                builder.rawKey("general.name", type: 8)
                builder.u64(1000)
                builder.raw(Array("short".utf8))
            }
            return builder.bytes()
        }
    }

    @Test func aLoRAIsAnAdapterOfItsBase() {
        var builder = GGUFBuilder()
        builder.string("general.architecture", "llama")
        builder.string("general.type", "adapter")
        builder.string("adapter.type", "lora")
        builder.string("general.name", "Support LoRA")
        builder.string("general.base_model.0.repo_url", "https://huggingface.co/meta-llama/Llama-3.1-8B")
        let fragment = GGUFReader.read(path: "lora.gguf", bytes: builder.bytes())
        #expect(edges(fragment) == ["model:Support LoRA adapter-of pkg:huggingface/meta-llama/Llama-3.1-8B"])
        #expect(fragment.components.first?.properties["adapter_type"] == "lora")
    }

    @Test func aBaseModelThatIsTheSourceIsQuantizedFrom() {
        var builder = GGUFBuilder()
        builder.string("general.architecture", "qwen2")
        builder.string("general.name", "Qwen2.5 7B Instruct")
        builder.string("general.repo_url", "https://huggingface.co/bartowski/Qwen2.5-7B-Instruct-GGUF")
        builder.uint32("general.file_type", 15)
        builder.string("general.quantized_by", "bartowski")
        builder.string("general.source.repo_url", "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct")
        builder.uint32("general.base_model.count", 2)
        builder.string("general.base_model.0.repo_url", "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct")
        builder.string("general.base_model.1.name", "Qwen2.5 7B")
        builder.string("general.base_model.1.version", "2.5")
        builder.stringArray("general.datasets", ["https://huggingface.co/datasets/org/chat", "internal-mix"])
        let fragment = GGUFReader.read(path: "q.gguf", bytes: builder.bytes())
        let component = fragment.components.first
        #expect(component?.ref.description == "pkg:huggingface/bartowski/Qwen2.5-7B-Instruct-GGUF")
        #expect(component?.properties["file_type"] == "Q4_K_M")
        #expect(component?.properties["quantized_by"] == "bartowski")
        let me = "pkg:huggingface/bartowski/Qwen2.5-7B-Instruct-GGUF"
        #expect(
            edges(fragment) == [
                "\(me) quantized-from pkg:huggingface/Qwen/Qwen2.5-7B-Instruct",
                "\(me) fine-tuned-from model:Qwen2.5 7B@2.5",
                "\(me) trained-on pkg:huggingface/datasets/org/chat",
                "\(me) trained-on dataset:internal-mix",
            ])
    }

    @Test func aBaseModelWithTheFilesOwnNameIsQuantizedFrom() {
        var builder = GGUFBuilder()
        builder.string("general.name", "Mistral 7B Instruct")
        builder.string("general.base_model.0.name", "mistral-7b-instruct")
        builder.string("general.base_model.0.organization", "Mistral AI")
        let fragment = GGUFReader.read(path: "m.gguf", bytes: builder.bytes())
        #expect(edges(fragment) == ["model:Mistral 7B Instruct quantized-from model:mistral-7b-instruct"])
    }

    @Test func thirtyTwoBitCountsAndBigEndianFilesAreRead() throws {
        var narrow = Array("GGUF".utf8) + [3, 0, 0, 0] + [0, 0, 0, 0] + [1, 0, 0, 0]
        narrow += GGUFBuilder.encode(12, width: 8, bigEndian: false) + Array("general.name".utf8) + [8, 0, 0, 0]
        narrow += GGUFBuilder.encode(4, width: 8, bigEndian: false) + Array("tiny".utf8)
        #expect(GGUFReader.read(path: "n.gguf", bytes: narrow).components.first?.ref.description == "model:tiny")

        var big = GGUFBuilder()
        big.bigEndian = true
        big.string("general.name", "s390x model")
        big.uint32("general.file_type", 1)
        let fragment = GGUFReader.read(path: "b.gguf", bytes: big.bytes())
        #expect(fragment.warnings.isEmpty)
        #expect(fragment.components.first?.ref.description == "model:s390x model")
        #expect(fragment.components.first?.properties["file_type"] == "F16")
    }

    @Test func withoutANameTheFileNamesTheModel() {
        var builder = GGUFBuilder()
        builder.string("general.architecture", "llama")
        let fragment = GGUFReader.read(path: "/models/tinyllama-q8_0.gguf", bytes: builder.bytes())
        #expect(fragment.components.first?.ref.description == "model:tinyllama-q8_0")
    }
}
