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
        PickleFixtures.nestedLatin1Protocol2, PickleFixtures.innerMalicious, PickleFixtures.joblibModel,
        PickleFixtures.joblibObjectArrayWithOSSystem,
        pickleBytes("cos\nsystem\n(S'id'\ntR."), pickleBytes("(S'id'\nios\nsystem\n."),
        pickleBytes(
            "\u{80}\u{04}\u{8C}\u{02}os\u{94}0h\u{00}\u{94}0h\u{01}\u{8C}\u{06}system\u{94}\u{93}\u{8C}\u{02}id\u{85}R."
        ),
        pickleBytes("cimportlib\nimport_module\n(S'os'\ntRp0\n0cbuiltins\nvars\n(g0\ntRp1\n0V\\u0041bc\nF1.5\nL12L\n."),
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
            for finding in result.findings where finding.evidence.detail?.contains("nested") != true {
                #expect((finding.evidence.offset ?? 0) <= bytes.count)
                #expect((finding.evidence.pickleIndex ?? 0) < max(result.pickleCount, 1))
            }
        }
    }

    /// Opcodes with plausible arguments, concatenated at random: reaches deeper VM states than byte noise.
    static let snippets: [[UInt8]] = [
        "(", "N", "K\u{01}", "]", "}", ")", "t", "l", "d", "a", "e", "s", "u", "R", "b", "\u{81}", "\u{92}", "o",
        "0", "1", "2", "\u{85}", "\u{86}", "\u{87}", "\u{94}", "h\u{00}", "q\u{01}", "g0\n", "p2\n",
        "\u{8C}\u{02}os", "\u{8C}\u{06}system", "cos\nsystem\n", "ctorch\nFloatStorage\n", "\u{93}", "Q",
        "Pid\n", "\u{8F}", "\u{90}", "\u{91}", "\u{82}\u{01}", "\u{80}\u{02}", "\u{80}\u{04}",
        "\u{95}\u{02}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}\u{00}", "C\u{08}\u{80}\u{02}N0N0N.",
        "C\u{08}cos\nx\n.", "S'ab'\n", "S'\\x80\\x02N.....'\n", "Vab\\u0041\n", "I5\n", "L5L\n",
        "F1.5\n", "\u{97}", "\u{98}", ".", "X\u{07}\u{00}\u{00}\u{00}storage", "\u{8C}\u{03}cpu", "i__main__\nC\n",
    ].map(pickleBytes)

    private func makeInput(_ generator: inout SeededGenerator) -> [UInt8] {
        if generator.next() % 3 == 0 {
            var bytes: [UInt8] = []
            for _ in 0...Int(generator.next() % 40) {
                bytes += PickleFuzzTests.snippets[Int(generator.next() % UInt64(PickleFuzzTests.snippets.count))]
            }
            return bytes
        }
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
