import StemmaCore
import StemmaScan
import Testing

/// A deterministic fuzz run: random bytes and mutations of the test pickles through the scanner with small
/// limits. Nothing may crash, and nothing that was not fully parsed may come out safe.
@Suite struct PickleFuzzTests {
    /// SplitMix64: a seeded generator, so a failure reproduces.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    static let seeds: [[UInt8]] = [
        PickleFixtures.torchDataPkl, PickleFixtures.numpyObjectArray, PickleFixtures.plainProtocol0,
        PickleFixtures.plainProtocol2, PickleFixtures.plainProtocol4, PickleFixtures.plainProtocol5,
        PickleFixtures.nestedLatin1Protocol2, PickleFixtures.innerMalicious,
        pickle("cos\nsystem\n(S'id'\ntR."), pickle("(S'id'\nios\nsystem\n."),
        pickle(
            "\u{80}\u{04}\u{8C}\u{02}os\u{94}0h\u{00}\u{94}0h\u{01}\u{8C}\u{06}system\u{94}\u{93}\u{8C}\u{02}id\u{85}R."
        ),
        pickle("cimportlib\nimport_module\n(S'os'\ntRp0\n0cbuiltins\nvars\n(g0\ntRp1\n0V\\u0041bc\nF1.5\nL12L\n."),
    ]

    @Test(arguments: 0..<4)
    func mutatedAndRandomInputsNeverCrashOrPassUnparsed(_ batch: Int) {
        var generator = SeededGenerator(state: 0x5EED_0000 + UInt64(batch))
        var limits = ScanLimits.standard
        limits.maxOpcodes = 2_000
        limits.maxMemoEntries = 64
        limits.maxStackDepth = 64
        limits.maxNestedPickleDepth = 2
        let profiles = PickleProfile.allCases
        for _ in 0..<5_000 {
            let bytes = makeInput(&generator)
            let profile = profiles[Int(generator.next() % UInt64(profiles.count))]
            let trailing = generator.next() % 4 == 0
            let result = scanPickle(bytes, profile, limits: limits, allowTrailingData: trailing)
            let unparsed = result.findings.contains {
                $0.code == .scanMalformed || $0.code == .scanIncomplete || $0.code == .scanUnreadable
            }
            if unparsed { #expect(result.verdict >= .malformed, "\(bytes)") }
            #expect(result.endOffset >= 0 && result.endOffset <= bytes.count)
            #expect(result.verdict == result.findings.worstVerdict)
        }
    }

    private func makeInput(_ generator: inout SeededGenerator) -> [UInt8] {
        if generator.next() % 5 == 0 {
            let count = Int(generator.next() % 64)
            return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        }
        var bytes = PickleFuzzTests.seeds[Int(generator.next() % UInt64(PickleFuzzTests.seeds.count))]
        for _ in 0...Int(generator.next() % 4) {
            guard !bytes.isEmpty else { break }
            let index = Int(generator.next() % UInt64(bytes.count))
            switch generator.next() % 5 {
            case 0: bytes[index] ^= UInt8(truncatingIfNeeded: 1 << (generator.next() % 8))
            case 1: bytes[index] = UInt8(truncatingIfNeeded: generator.next())
            case 2: bytes.removeSubrange(index...)
            case 3: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: index)
            default: bytes.remove(at: index)
            }
        }
        return bytes
    }
}
