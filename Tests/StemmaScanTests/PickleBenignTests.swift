import StemmaCore
import StemmaScan
import Testing

/// What real loaders read must come out safe, and everything not fully parsed must not.
@Suite struct PickleBenignTests {
    @Test func torchCheckpointIsSafe() {
        let result = scanPickle(PickleFixtures.torchDataPkl, .torch)
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.verdict == .safe)
        #expect(result.pickleCount == 1 && result.endOffset == PickleFixtures.torchDataPkl.count)
    }

    @Test(arguments: [PickleProfile.numpy, .torch, .joblib])
    func numpyObjectArrayIsSafe(_ profile: PickleProfile) {
        let result = scanPickle(PickleFixtures.numpyObjectArray, profile)
        #expect(result.findings.isEmpty, "\(result.findings)")
        // numpy.arange(3, dtype='i4') in protocol 5: numpy._core.numeric._frombuffer over a BYTEARRAY8.
        let protocol5: [UInt8] = [
            128, 5, 149, 128, 0, 0, 0, 0, 0, 0, 0, 140, 19, 110, 117, 109, 112, 121, 46, 95, 99, 111, 114, 101, 46,
            110, 117, 109, 101, 114, 105, 99, 148, 140, 11, 95, 102, 114, 111, 109, 98, 117, 102, 102, 101, 114, 148,
            147, 148, 40, 150, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 148, 140, 5, 110, 117,
            109, 112, 121, 148, 140, 5, 100, 116, 121, 112, 101, 148, 147, 148, 140, 2, 105, 52, 148, 137, 136, 135,
            148, 82, 148, 40, 75, 3, 140, 1, 60, 148, 78, 78, 78, 74, 255, 255, 255, 255, 74, 255, 255, 255, 255, 75,
            0, 116, 148, 98, 75, 3, 133, 148, 140, 1, 67, 148, 116, 148, 82, 148, 46,
        ]
        #expect(scanPickle(protocol5, profile).findings.isEmpty)
    }

    @Test(arguments: [
        PickleFixtures.plainProtocol0, PickleFixtures.plainProtocol1, PickleFixtures.plainProtocol2,
        PickleFixtures.plainProtocol3, PickleFixtures.plainProtocol4, PickleFixtures.plainProtocol5,
    ])
    func plainDataIsSafe(_ bytes: [UInt8]) {
        let result = scanPickle(bytes, .plain)
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.opcodeCount > 10)
    }

    @Test func eightByteLengthsAndFrames() {
        // PROTO 5, FRAME 40, BINUNICODE8 'hello', BYTEARRAY8 b'abc', BINBYTES8 b'xyz', TUPLE3, STOP.
        let bytes: [UInt8] = [
            0x80, 0x05, 0x95, 0x28, 0, 0, 0, 0, 0, 0, 0, 0x8D, 0x05, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x65, 0x6C, 0x6C,
            0x6F, 0x96, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x62, 0x63, 0x8E, 0x03, 0, 0, 0, 0, 0, 0, 0, 0x78, 0x79,
            0x7A, 0x87, 0x2E,
        ]
        let result = scanPickle(bytes)
        #expect(result.findings.isEmpty, "\(result.findings)")
        #expect(result.opcodeCount == 7 && result.endOffset == bytes.count)
    }

    @Test func torchProfileFlagsWhatWeightsOnlyRejects() throws {
        let result = scanPickle(pickleBytes("\u{80}\u{02}cmymodel\nNet\n)\u{81}."), .torch)
        #expect(result.verdict == .suspicious)
        let unknown = try #require(result.finding("mymodel.Net"))
        #expect(unknown.code == .pickleUnknownGlobal && unknown.evidence.called == true)
        #expect(result.findings.contains { $0.code == .pickleNotWeightsOnly })
    }

    @Test func torchProfileChecksPersistentIDsAndContainerMutation() {
        let badID = scanPickle(pickleBytes("\u{80}\u{02}X\u{01}\u{00}\u{00}\u{00}xQ."), .torch)
        #expect(badID.findings.map(\.code) == [.picklePersistentID])
        let mutation = scanPickle(
            pickleBytes("\u{80}\u{02}ccollections\nOrderedDict\n)RK\u{01}K\u{02}s)K\u{01}a."), .torch)
        #expect(mutation.findings.contains { $0.code == .pickleContainerMutation })
        let ordered = scanPickle(pickleBytes("\u{80}\u{02}ccollections\nOrderedDict\n)RK\u{01}K\u{02}s."), .torch)
        #expect(ordered.findings.isEmpty)
    }

    @Test func protocolAnomaliesAreSuspicious() {
        let duplicate = scanPickle(pickleBytes("\u{80}\u{02}\u{80}\u{02}N."))
        #expect(duplicate.findings.map(\.code) == [.pickleProtocolAnomaly])
        let misplaced = scanPickle(pickleBytes("N0\u{80}\u{04}N."))
        #expect(misplaced.findings.map(\.code) == [.pickleProtocolAnomaly])
    }

    @Test(arguments: [
        ("empty", ""), ("no STOP", "\u{80}\u{02}N"), ("invalid opcode", "\u{80}\u{02}\u{FF}."),
        ("stack underflow", "\u{80}\u{02}."), ("missing mark", "K\u{01}t."), ("pop below mark", "K\u{01}(a."),
        ("missing memo", "h\u{07}."), ("odd dict", "(K\u{01}d."), ("truncated length", "X\u{FF}\u{FF}\u{00}\u{00}ab."),
        ("unquoted STRING", "Sabc\n."), ("bad INT", "I12z!\n."), ("trailing bytes", "N.garbage"),
        ("protocol 6", "\u{80}\u{06}N."),
    ])
    func brokenPicklesAreMalformed(_ name: String, _ text: String) {
        let result = scanPickle(pickleBytes(text))
        #expect(result.verdict == .malformed, "\(name): \(result.findings)")
    }

    @Test(arguments: [
        ("I0x1f\n", true), ("I0123\n", true), ("I 12 \n", true), ("I1_000\n", true), ("I-0\n", true),
        ("L0123L\n", false), ("L0o17L\n", true), ("L1__0L\n", false), ("I12z\n", false), ("I\n", false),
        ("F1.5\n", true), ("F-1e-05\n", true), ("Finf\n", true), ("F-NaN\n", true), ("F.5\n", true),
        ("F1_0.5\n", false), ("F 1.5\n", false), ("F1e\n", false), ("F0x1p3\n", false),
        ("X\u{03}\u{00}\u{00}\u{00}\u{ED}\u{A0}\u{80}", true), ("X\u{02}\u{00}\u{00}\u{00}\u{C3}(", false),
        ("X\u{02}\u{00}\u{00}\u{00}\u{C0}\u{80}", false), ("\u{8C}\u{01}\u{FF}", false),
    ])
    func literalsAreAcceptedExactlyWherePythonAcceptsThem(_ text: String, _ accepted: Bool) {
        let result = scanPickle(pickleBytes(text + "."))
        #expect(result.findings.isEmpty == accepted, "\(text): \(result.findings)")
    }

    @Test func limitsMakeTheScanIncompleteNotSafe() {
        var limits = ScanLimits.standard
        limits.maxOpcodes = 10
        let opcodes = scanPickle(PickleFixtures.plainProtocol4, limits: limits)
        #expect(opcodes.verdict == .malformed && opcodes.findings.contains { $0.code == .scanIncomplete })
        limits = .standard
        limits.maxMemoEntries = 2
        #expect(scanPickle(PickleFixtures.torchDataPkl, .torch, limits: limits).verdict == .malformed)
        limits = .standard
        limits.maxStackDepth = 3
        #expect(scanPickle(PickleFixtures.torchDataPkl, .torch, limits: limits).verdict == .malformed)
    }

    @Test func limitsNeverHideEarlierDangerousFindings() {
        var limits = ScanLimits.standard
        limits.maxOpcodes = 4
        let result = scanPickle(pickleBytes("cos\nsystem\n(S'id'\ntR."), limits: limits)
        #expect(result.verdict == .dangerous)
        #expect(result.findings.contains { $0.code == .scanIncomplete })
    }

    @Test func trailingDataIsAllowedOnlyWhenAsked() {
        let legacy = PickleFixtures.plainProtocol2 + [0x04, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x02, 0x00, 0x11]
        #expect(scanPickle(legacy).verdict == .malformed)
        let allowed = scanPickle(legacy, allowTrailingData: true)
        #expect(allowed.findings.isEmpty && allowed.endOffset == PickleFixtures.plainProtocol2.count)
        let stacked = PickleFixtures.plainProtocol2 + [0x80, 0x02, 0x00]
        #expect(scanPickle(stacked, allowTrailingData: true).findings.isEmpty)
    }

    @Test func deeplyNestedValuesDoNotExhaustTheStack() {
        let tuples = pickleBytes("\u{80}\u{02}N") + [UInt8](repeating: 0x85, count: 500_000) + pickleBytes(".")
        #expect(scanPickle(tuples).findings.isEmpty)
        let lists = [UInt8](repeating: UInt8(ascii: "("), count: 300_000) + pickleBytes("N.")
        #expect(scanPickle(lists).findings.isEmpty)
    }

    @Test(arguments: [PickleProfile.joblib, .plain])
    func joblibArraysAreSkippedAndObjectArraysScanned(_ profile: PickleProfile) throws {
        let model = scanPickle(PickleFixtures.joblibModel, profile)
        #expect(!model.findings.contains(where: { $0.code == .scanMalformed }), "\(model.findings)")
        #expect(model.endOffset == PickleFixtures.joblibModel.count)
        if profile == .joblib { #expect(model.findings.isEmpty, "\(model.findings)") }
        let evil = scanPickle(PickleFixtures.joblibObjectArrayWithOSSystem, profile)
        let finding = try #require(evil.finding("os.system"))
        #expect(finding.verdict == .dangerous && finding.evidence.spelledAs == "posix.system")
        #expect(finding.evidence.detail?.contains("joblib object array pickle") == true)
        #expect(!evil.findings.contains(where: { $0.code == .scanMalformed }))
    }

    @Test func joblibDTypeStatesThatHoldObjectsStopTheSkip() {
        // The float array's dtype state, flags 0 at offset 176 (BININT1 0), set to NPY_ITEM_HASOBJECT.
        var bytes = PickleFixtures.joblibModel
        #expect(bytes[176] == 0x4B && bytes[177] == 0x00)
        bytes[177] = 0x01
        #expect(scanPickle(bytes, .joblib).verdict == .malformed)
    }

    @Test func joblibArrayDataIsNotParsedButNeverDangerousOrSafe() {
        let bytes =
            pickleBytes("\u{80}\u{02}cjoblib.numpy_pickle\nNumpyArrayWrapper\n)\u{81}}b")
            + [0x00, 0x00, 0xF0, 0x3F, 0x00, 0x00] + pickleBytes(".")
        let result = scanPickle(bytes, .joblib)
        #expect(result.verdict == .malformed)
        // The wrapper's state (here empty) does not size the array: malformed, named, never safe or dangerous.
        #expect(result.findings.contains { $0.message.contains("the array's size is unknown") })
    }

    @Test func protocol0StringsLongerThanTheDecodeLimit() {
        let text = [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20)
        let plainText = pickleBytes("S'") + text + pickleBytes("'\n.")
        #expect(scanPickle(plainText).findings.isEmpty)
        let unquoted = pickleBytes("S'") + text + pickleBytes("\n.")
        #expect(scanPickle(unquoted).verdict == .malformed)
        let maybePickle = pickleBytes("S'c") + text + pickleBytes("'\n.")
        #expect(scanPickle(maybePickle).findings.map(\.code) == [.scanIncomplete])
    }

    @Test func extraAllowedGlobalsExtendTheProfile() {
        let bytes = pickleBytes("\u{80}\u{02}cmymodel\nNet\n)\u{81}.")
        let scanner = PickleScanner(profile: .plain, extraAllowedGlobals: ["mymodel.Net"])
        #expect(scanner.scan(ScanInput(bytes: bytes, path: "x")).findings.isEmpty)
    }

    @Test func largeScanReadsThroughTheWindow() throws {
        // 3 MiB of BINBYTES payloads: more than one window, skipped without being copied.
        var bytes = pickleBytes("\u{80}\u{04}(")
        let payload = [UInt8](repeating: 0x41, count: 1 << 20)
        for _ in 0..<3 { bytes += [0x42, 0x00, 0x00, 0x10, 0x00] + payload }
        bytes += pickleBytes("cos\nsystem\nl.")
        let result = scanPickle(bytes)
        #expect(result.finding("os.system")?.evidence.offset == 3 + 3 * (5 + (1 << 20)))
        #expect(result.endOffset == bytes.count)
    }
}
