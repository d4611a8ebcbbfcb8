import StemmaCore
import StemmaScan
import Testing

/// Pickle bytes from a string whose characters are the bytes (`"\u{80}\u{02}cos\nsystem\n…"`).
func pickleBytes(_ text: String) -> [UInt8] { text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) } }

/// Scans bytes with a profile.
func scanPickle(
    _ bytes: [UInt8], _ profile: PickleProfile = .plain, limits: ScanLimits = .standard,
    allowTrailingData: Bool = false
) -> PickleScanResult {
    PickleScanner(profile: profile, limits: limits).scan(
        ScanInput(bytes: bytes, path: "test.pkl"), allowTrailingData: allowTrailingData)
}

extension PickleScanResult {
    /// The first finding naming `global`.
    func finding(_ global: String) -> ScanFinding? { findings.first { $0.evidence.global == global } }
}

/// The attacks of unsafe-formats.md §4 (items 1–18): each must be dangerous and name what it runs.
@Suite struct PickleAttackTests {
    @Test(arguments: [
        ("protocol 0", "cos\nsystem\n(S'id'\ntR."),
        ("protocol 2", "\u{80}\u{02}cos\nsystem\nq\u{00}X\u{02}\u{00}\u{00}\u{00}idq\u{01}\u{85}q\u{02}Rq\u{03}."),
    ])
    func osSystemThroughGlobalAndReduce(_ name: String, _ text: String) throws {
        let result = scanPickle(pickleBytes(text))
        #expect(result.verdict == .dangerous, "\(name)")
        let finding = try #require(result.finding("os.system"))
        #expect(finding.code == .pickleDangerousGlobal)
        #expect(finding.evidence.opcode == "GLOBAL")
        #expect(finding.evidence.called == true)
        #expect(finding.evidence.pickleIndex == 0)
        #expect(finding.evidence.offset == (text.hasPrefix("c") ? 0 : 2))
        #expect(finding.evidence.detail?.contains("called by REDUCE") == true)
        #expect(result.pickleCount == 1)
    }

    @Test func instAndObjCallTheirImport() throws {
        let inst = scanPickle(pickleBytes("(S'id'\nios\nsystem\n."))
        let instFinding = try #require(inst.finding("os.system"))
        #expect(instFinding.evidence.opcode == "INST" && instFinding.evidence.called == true)
        let obj = scanPickle(pickleBytes("(cos\nsystem\nS'id'\no."))
        let objFinding = try #require(obj.finding("os.system"))
        #expect(objFinding.verdict == .dangerous && objFinding.evidence.detail?.contains("OBJ") == true)
    }

    @Test func stackGlobalSeesThroughMemoConfusion() throws {
        // "os" is memoized, copied to a second memo slot with BINGET + MEMOIZE, and fetched from the copy.
        let bytes = pickleBytes(
            "\u{80}\u{04}\u{8C}\u{02}os\u{94}0h\u{00}\u{94}0h\u{01}\u{8C}\u{06}system\u{94}\u{93}\u{8C}\u{02}id\u{85}R."
        )
        let result = scanPickle(bytes)
        let finding = try #require(result.finding("os.system"))
        #expect(finding.verdict == .dangerous)
        #expect(finding.evidence.opcode == "STACK_GLOBAL")
        #expect(finding.evidence.called == true)
        #expect(!result.findings.contains { $0.code == .scanMalformed })
    }

    @Test func stackGlobalOnNonStringsIsUnresolvable() {
        let result = scanPickle(pickleBytes("\u{80}\u{04}K\u{01}C\u{02}os\u{93}."))
        #expect(result.verdict == .dangerous)
        #expect(result.findings.first?.code == .pickleUnresolvableImport)
        #expect(result.findings.first?.evidence.opcode == "STACK_GLOBAL")
    }

    @Test(arguments: ["posix", "nt"])
    func privateOSModulesAreOS(_ module: String) throws {
        let result = scanPickle(pickleBytes("c\(module)\nsystem\n(S'id'\ntR."))
        let finding = try #require(result.finding("os.system"))
        #expect(finding.verdict == .dangerous)
        #expect(finding.evidence.spelledAs == "\(module).system")
    }

    @Test func python2NamesAreMappedBelowProtocol3() throws {
        let eval = scanPickle(pickleBytes("\u{80}\u{02}c__builtin__\neval\nX\u{03}\u{00}\u{00}\u{00}1+1\u{85}R."))
        let evalFinding = try #require(eval.finding("builtins.eval"))
        #expect(evalFinding.verdict == .dangerous && evalFinding.evidence.spelledAs == "__builtin__.eval")
        let commands = scanPickle(pickleBytes("\u{80}\u{02}ccommands\ngetoutput\nX\u{02}\u{00}\u{00}\u{00}id\u{85}R."))
        let commandsFinding = try #require(commands.finding("subprocess.getoutput"))
        #expect(commandsFinding.verdict == .dangerous && commandsFinding.evidence.spelledAs == "commands.getoutput")
        let urllib = scanPickle(pickleBytes("curllib\nurlretrieve\n."))
        #expect(urllib.finding("urllib.request.urlretrieve")?.verdict == .dangerous)
    }

    @Test func cPickleLoadsOfANestedPickleIsAPayloadLoader() throws {
        let inner = PickleFixtures.innerMalicious
        let bytes =
            pickleBytes("\u{80}\u{02}ccPickle\nloads\nU") + [UInt8(inner.count)] + inner + pickleBytes("\u{85}R.")
        let result = scanPickle(bytes)
        let loader = try #require(result.finding("pickle.loads"))
        #expect(loader.code == .picklePayloadLoader && loader.evidence.spelledAs == "cPickle.loads")
        let nested = try #require(result.finding("os.system"))
        #expect(nested.verdict == .dangerous)
        #expect(nested.evidence.detail?.contains("nested in the SHORT_BINSTRING constant at offset 17") == true)
    }

    @Test func nestedProtocol0PickleInAnEscapedString() throws {
        let result = scanPickle(pickleBytes("cpickle\nloads\n(S'cos\\nsystem\\n(S\\'id\\'\\ntR.'\ntR."))
        #expect(result.finding("pickle.loads")?.code == .picklePayloadLoader)
        let nested = try #require(result.finding("os.system"))
        #expect(nested.evidence.detail?.contains("nested in the STRING constant at offset 15") == true)
        #expect(nested.evidence.called == true)
    }

    @Test(arguments: [Base64.encode(PickleFixtures.innerMalicious), Hex.encode(PickleFixtures.innerMalicious)])
    func base64AndHexPicklesAreScanned(_ encoded: String) throws {
        let bytes =
            pickleBytes("\u{80}\u{04}\u{8C}\u{06}base64\u{8C}\u{09}b64decode\u{93}X")
            + withUnsafeBytes(of: UInt32(encoded.utf8.count).littleEndian, Array.init) + Array(encoded.utf8)
            + pickleBytes("\u{85}R.")
        let result = scanPickle(bytes)
        #expect(result.finding("os.system")?.verdict == .dangerous)
        #expect(result.finding("base64.b64decode")?.verdict == .suspicious)
    }

    @Test func textThatOnlyLooksLikeAPickleIsIgnored() {
        let result = scanPickle(
            pickleBytes("\u{80}\u{04}\u{8C}\u{14}dogs chase cats too.C\u{0A}\u{80}\u{02}garbage\u{86}."))
        #expect(result.findings.isEmpty, "\(result.findings)")
    }

    @Test func torchLoadFromBytesWithANestedPickle() throws {
        let inner = PickleFixtures.innerMalicious
        let bytes =
            pickleBytes("\u{80}\u{02}ctorch.storage\n_load_from_bytes\nC") + [UInt8(inner.count)] + inner
            + pickleBytes("\u{85}R.")
        let result = scanPickle(bytes, .torch)
        #expect(result.finding("torch.storage._load_from_bytes")?.code == .picklePayloadLoader)
        #expect(result.finding("os.system")?.verdict == .dangerous)
        #expect(result.findings.contains { $0.code == .pickleNotWeightsOnly })
    }

    @Test func nestedPickleInALatin1String() throws {
        // How protocol 2 writes a bytes constant: `_codecs.encode("\x80\x04…", "latin1")`.
        let result = scanPickle(PickleFixtures.nestedLatin1Protocol2)
        #expect(result.finding("os.system")?.verdict == .dangerous)
    }

    @Test func protocol4DottedNamesAreWalked() throws {
        let result = scanPickle(
            pickleBytes("\u{80}\u{04}\u{8C}\u{06}random\u{8C}\u{0A}_os.system\u{93}\u{8C}\u{02}id\u{85}R."))
        let finding = try #require(result.finding("random._os.system"))
        #expect(finding.verdict == .dangerous && finding.evidence.called == true)
        let dunder = scanPickle(
            pickleBytes("\u{80}\u{04}\u{8C}\u{0B}collections\u{8C}\u{20}OrderedDict.__init__.__globals__\u{93}."))
        #expect(dunder.verdict == .dangerous)
    }

    @Test func importlibAndGetitemChain() {
        let text =
            "cimportlib\nimport_module\n(S'os'\ntRp0\n0cbuiltins\nvars\n(g0\ntRp1\n0"
            + "coperator\ngetitem\n(g1\nS'system'\ntR(S'id'\ntR."
        let result = scanPickle(pickleBytes(text))
        #expect(result.verdict == .dangerous)
        for name in ["importlib.import_module", "builtins.vars", "operator.getitem"] {
            #expect(result.finding(name)?.verdict == .dangerous, "\(name)")
        }
        #expect(result.findings.contains { $0.code == .pickleIndirectCall })
    }

    @Test(arguments: [
        ("mailcap", "findmatch", "mailcap.findmatch"),
        ("pkgutil", "resolve_name", "pkgutil.resolve_name"),
        ("asyncio.unix_events", "_UnixSubprocessTransport", "asyncio.unix_events._UnixSubprocessTransport"),
        ("torch", "load", "torch.load"),
        ("_io", "FileIO", "io.FileIO"),
        ("multiprocessing.util", "spawnv_passfds", "multiprocessing.util.spawnv_passfds"),
        ("pandas.io.parsers.readers", "read_csv", "pandas.io.parsers.readers.read_csv"),
        ("builtins", "__import__", "builtins.__import__"),
        ("builtins", "setattr", "builtins.setattr"),
        ("mlflow.projects.backend.local", "_run_entry_point", "mlflow.projects.backend.local._run_entry_point"),
        (
            "transformers.models.auto.tokenization_auto", "getattribute_from_module",
            "transformers.models.auto.tokenization_auto.getattribute_from_module"
        ),
        ("torch.hub", "load", "torch.hub.load"),
        ("numpy", "load", "numpy.load"),
        ("_xxsubinterpreters", "run_string", "_xxsubinterpreters.run_string"),
    ])
    func denylistedGadgets(_ module: String, _ name: String, _ global: String) {
        let result = scanPickle(
            pickleBytes(
                "\u{80}\u{04}\u{8C}\(scalar(module.utf8.count))\(module)\u{8C}\(scalar(name.utf8.count))\(name)\u{93}.")
        )
        #expect(result.finding(global)?.verdict == .dangerous, "\(global)")
    }

    @Test func functoolsPartialWrappingPosixSystem() {
        let result = scanPickle(
            pickleBytes("\u{80}\u{02}cfunctools\npartial\ncposix\nsystem\n\u{86}R)R."))
        #expect(result.finding("functools.partial")?.verdict == .dangerous)
        #expect(result.finding("os.system")?.verdict == .dangerous)
    }

    @Test func truncatedMaliciousPickleStaysDangerous() {
        let result = scanPickle(pickleBytes("\u{80}\u{02}cos\nsystem\nX\u{02}\u{00}\u{00}\u{00}id\u{85}R"))
        #expect(result.verdict == .dangerous)
        #expect(result.finding("os.system")?.evidence.called == true)
        #expect(result.findings.contains { $0.code == .scanMalformed })
    }

    @Test func stackedPicklesWithThePayloadInTheThird() throws {
        let bytes = pickleBytes("\u{80}\u{02}K\u{01}.\u{80}\u{02}]q\u{00}.") + pickleBytes("cos\nsystem\n(S'id'\ntR.")
        let result = scanPickle(bytes)
        #expect(result.pickleCount == 3)
        let finding = try #require(result.finding("os.system"))
        #expect(finding.evidence.pickleIndex == 2 && finding.evidence.offset == 11)
    }

    @Test func buildOnAnImportedFunction() {
        // modelscan#85: BUILD on the function object itself.
        let result = scanPickle(pickleBytes("\u{80}\u{02}cnumpy\nprod\n}X\u{01}\u{00}\u{00}\u{00}aK\u{01}sb."), .numpy)
        #expect(result.findings.contains { $0.code == .pickleBuildOnGlobal && $0.verdict == .dangerous })
        let imported = result.findings.first { $0.code == .pickleUnknownGlobal }
        #expect(imported?.evidence.detail == "called by BUILD at offset 24" && imported?.evidence.called == true)
    }

    @Test func extensionRegistryImportsAreSuspicious() {
        let result = scanPickle(pickleBytes("\u{80}\u{02}\u{82}\u{01})R."))
        #expect(result.findings.contains { $0.code == .pickleExtensionImport })
        #expect(result.verdict == .suspicious)
    }

    @Test func localsInANameIsMalformed() {
        let result = scanPickle(pickleBytes("cmymodule\nf.<locals>.g\n."))
        #expect(result.verdict == .malformed)
    }

    private func scalar(_ value: Int) -> String { String(Character(Unicode.Scalar(UInt8(value)))) }
}
