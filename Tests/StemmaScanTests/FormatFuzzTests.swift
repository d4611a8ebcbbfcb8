import StemmaCore
import StemmaScan
import Testing

/// Seeded mutations of valid samples: nothing may crash, a truncated safetensors or GGUF file is never safe, and
/// damage after a dangerous structure never hides it.
@Suite struct FormatFuzzTests {
    /// SplitMix64: small, fast and the same on every platform.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
    }

    /// A mutation of `bytes`: flipped bytes, a truncation, a duplicated run or interesting integers, at or after
    /// `from`.
    static func mutate(_ bytes: [UInt8], from: Int = 0, using generator: inout Generator) -> [UInt8] {
        var copy = bytes
        let span = max(1, copy.count - from)
        switch generator.below(4) {
        case 0:
            for _ in 0...generator.below(4) {
                copy[from + generator.below(span)] = UInt8(truncatingIfNeeded: generator.next())
            }
        case 1:
            copy.removeLast(1 + generator.below(span - 1))
        case 2:
            let at = from + generator.below(span)
            let values: [UInt8] = [0xFF, 0x00, 0x7F, 0x80]
            for index in at..<min(copy.count, at + 8) { copy[index] = values[generator.below(values.count)] }
        default:
            let at = from + generator.below(span)
            let run = copy[at..<min(copy.count, at + 1 + generator.below(16))]
            copy.insert(contentsOf: run, at: at)
        }
        return copy
    }

    static let rounds = 3000

    @Test func truncatedOrMutatedSafetensorsAreNeverSafeUnlessValid() {
        var generator = Generator(state: 1)
        let valid = FormatFixtures.validSafetensors
        for length in 0..<valid.count {
            let findings = SafetensorsCheck.check(ScanInput(bytes: Array(valid.prefix(length)), path: "t"))
            #expect(findings.worstVerdict == .malformed, "prefix \(length)")
        }
        for _ in 0..<Self.rounds {
            let mutated = Self.mutate(valid, using: &generator)
            let findings = SafetensorsCheck.check(ScanInput(bytes: mutated, path: "t"))
            #expect(findings.isEmpty || findings.worstVerdict == .malformed)
            if mutated.count < valid.count, mutated == Array(valid.prefix(mutated.count)) {
                #expect(!findings.isEmpty)
            }
        }
    }

    @Test func mutatedGGUFNeverCrashesAndKeepsTemplateFindings() {
        var generator = Generator(state: 2)
        var builder = GGUFBuilder()
        let template = "{{ cycler.__init__.__globals__.os.popen('id') }}"
        builder.values.append(("tokenizer.chat_template", .string(template)))
        builder.values.append(("tokenizer.ggml.tokens", .stringArray(["a", "b", "c"])))
        let valid = builder.bytes()
        let templateEnd =
            template.utf8.count + (0..<valid.count).first { valid[$0...].starts(with: Array(template.utf8)) }!
        for length in 0..<valid.count {
            #expect(
                GGUFCheck.check(ScanInput(bytes: Array(valid.prefix(length)), path: "g")).worstVerdict >= .suspicious)
        }
        for round in 0..<Self.rounds {
            let late = round % 2 == 0
            let mutated = Self.mutate(valid, from: late ? templateEnd : 0, using: &generator)
            let findings = GGUFCheck.check(ScanInput(bytes: mutated, path: "g"))
            // Early damage may rename the key or shorten the template legitimately; late damage cannot hide it.
            if late { #expect(findings.codes.contains("scan.gguf-chat-template"), "\(findings)") }
        }
    }

    @Test func mutatedProtobufModelsNeverCrashAndKeepEarlierDangerousOps() {
        var generator = Generator(state: 3)
        let savedModel = FormatSavedModelTests.savedModel(
            nodes: [FormatSavedModelTests.node("r", "ReadFile"), FormatSavedModelTests.node("y", "MatMul")],
            functions: [FormatSavedModelTests.function("__inference_f_1", [FormatSavedModelTests.node("s", "Sum")])])
        let afterReadFile =
            (0..<savedModel.count).first { savedModel[$0...].starts(with: Array("ReadFile".utf8)) }! + 20
        let onnx = FormatONNXTests.model(
            nodes: [FormatONNXTests.node("MatMul"), FormatONNXTests.node("Op", domain: "com.x")],
            initializers: [FormatONNXTests.externalTensor("w", location: "../w.bin", offset: "0", length: "4")])
        for round in 0..<Self.rounds {
            let late = round % 2 == 0
            let mutated = Self.mutate(savedModel, from: late ? afterReadFile : 0, using: &generator)
            let findings = SavedModelCheck.check(ScanInput(bytes: mutated, path: "s"))
            if late { #expect(findings.worstVerdict == .dangerous) }
            _ = SavedModelCheck.checkKerasMetadata(ScanInput(bytes: mutated, path: "k"))
            let model = Self.mutate(onnx, using: &generator)
            _ = ONNXCheck.check(ScanInput(bytes: model, path: "o"), modelFolder: nil)
        }
    }

    @Test func mutatedKerasAndH5NeverCrash() {
        var generator = Generator(state: 4)
        let config = Array(
            FormatKerasTests.functional([FormatKerasTests.denseLayer, FormatKerasTests.lambdaLayer]).utf8)
        let h5 = FormatHDF5Tests.h5(config: String(decoding: config, as: UTF8.self))
        for _ in 0..<Self.rounds {
            let json = Self.mutate(config, using: &generator)
            let findings = KerasConfigCheck.check(json: json, legacyH5: false)
            // Either it still parses (and a Lambda may have been mutated away) or it is malformed, never silently safe.
            if (try? JSONParser.parse(json, source: "fuzz")) == nil { #expect(findings.worstVerdict >= .malformed) }
            _ = HDF5Check.check(ScanInput(bytes: Self.mutate(h5, using: &generator), path: "h"))
        }
    }
}
