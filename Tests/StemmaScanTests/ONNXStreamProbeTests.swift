import StemmaCore
import Testing

@testable import StemmaScan

/// The streamed ONNX probe must call a member a model exactly when ``ONNXProbe`` calls the same bytes one on disk,
/// however the bytes are cut into chunks, and a member too large to keep must not pass as data when it is a model.
@Suite struct ONNXStreamProbeTests {
    private static func streamed(_ bytes: [UInt8], chunks: [Int], declared: Bool) -> Bool {
        var probe = ONNXStreamProbe(declaredSize: declared ? bytes.count : nil)
        var offset = 0
        var turn = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunks[turn % chunks.count])
            bytes[offset..<end].withUnsafeBytes { probe.consume($0) }
            (offset, turn) = (end, turn + 1)
        }
        return probe.isModel
    }

    private static func onDisk(_ bytes: [UInt8]) -> Bool {
        (try? ONNXProbe.isModel(ScanInput(bytes: bytes, path: "m"))) == true
    }

    static let model = FormatONNXTests.model(
        nodes: [FormatONNXTests.node("Relu")],
        initializers: [FormatONNXTests.externalTensor("w", location: "w.bin")])

    @Test func agreesWithTheProbeOnTheModelAndItsMutations() {
        var generator = PickleFuzzTests.SeededGenerator(state: 0x0_0A11_CE5)
        #expect(Self.onDisk(Self.model) && Self.streamed(Self.model, chunks: [1], declared: true))
        var disagreements: [[UInt8]] = []
        var models = 0
        for round in 0..<4000 {
            var bytes = Self.model
            for _ in 0..<(1 + round % 3) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
                default: bytes = Array(bytes[..<at])
                }
                if bytes.isEmpty { bytes = [0] }
            }
            let expected = Self.onDisk(bytes)
            models += expected ? 1 : 0
            let chunks = [Int.random(in: 1...9, using: &generator), Int.random(in: 1...200, using: &generator)]
            for declared in [true, false] where Self.streamed(bytes, chunks: chunks, declared: declared) != expected {
                disagreements.append(bytes)
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(3))")
        #expect(models > 100 && models < 3900, "the mutations should make both models and non-models: \(models)")
    }

    @Test func aLaterGraphReplacesABrokenOneAsInTheProbe() {
        let broken = Proto().int(1, 8).data(7, [0x0B, 0x00]).message(7, Proto().string(2, "main")).int(1, 8)
        #expect(Self.onDisk(broken.bytes) && Self.streamed(broken.bytes, chunks: [3], declared: true))
        let brokenLast = Proto().int(1, 8).message(7, Proto().string(2, "main")).data(7, [0x0B, 0x00])
        #expect(!Self.onDisk(brokenLast.bytes) && !Self.streamed(brokenLast.bytes, chunks: [3], declared: true))
    }

    /// A model whose graph holds `weights` raw bytes in one initializer.
    private static func largeModel(weights: Int) -> [UInt8] {
        let tensor = Proto().int(1, 4).int(2, 1).string(8, "w").data(9, [UInt8](repeating: 0x3F, count: weights))
        return Proto().int(1, 8).message(7, Proto().string(2, "main").message(5, tensor))
            .message(8, Proto().string(1, "").int(2, 17)).bytes
    }

    private static func outcome(_ bytes: [UInt8], limits: ScanLimits, declared: Bool) -> StreamedMemberScan.Outcome {
        var scan = StreamedMemberScan(name: "blob", declaredSize: declared ? bytes.count : nil, limits: limits)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + (64 << 10))
            bytes[offset..<end].withUnsafeBytes { scan.consume($0) }
            offset = end
        }
        return scan.outcome
    }

    @Test(arguments: [true, false])
    func aModelPastTheDataBoundIsKeptWholeToBeChecked(_ declared: Bool) {
        let bytes = Self.largeModel(weights: StreamedMemberScan.dataBound + (1 << 20))
        guard case .whole(let kept) = Self.outcome(bytes, limits: .standard, declared: declared) else {
            Issue.record("a possible ONNX model that fits in memory is kept whole")
            return
        }
        #expect(kept == bytes)
    }

    @Test(arguments: [true, false])
    func aModelTooLargeToKeepIsIncomplete(_ declared: Bool) {
        var limits = ScanLimits.standard
        limits.maxMemberBytes = 1 << 20
        let bytes = Self.largeModel(weights: 3 << 20)
        guard case .streamedData(let findings) = Self.outcome(bytes, limits: limits, declared: declared) else {
            Issue.record("a model larger than the member bound is streamed past")
            return
        }
        #expect(findings.map(\.code) == [.scanIncomplete], "\(findings)")
        #expect(findings.first?.message.contains("onnx") == true)
    }

    @Test func noiseTooLargeToKeepIsQuietData() {
        var generator = PickleFuzzTests.SeededGenerator(state: 42)
        var limits = ScanLimits.standard
        limits.maxMemberBytes = 1 << 20
        let bytes = (0..<(3 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        guard case .streamedData(let findings) = Self.outcome(bytes, limits: limits, declared: true) else {
            Issue.record("noise is streamed past")
            return
        }
        #expect(findings.isEmpty, "\(findings)")
    }
}
