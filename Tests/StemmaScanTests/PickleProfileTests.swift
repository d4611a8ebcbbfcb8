import StemmaCore
import StemmaScan
import Testing

/// Rule 4 (the pickle's own imports pick the loader profile) and rule 5 (judge what a global resolves to,
/// size joblib arrays only as the pickle fixes them) on pickles as the real writers lay them out.
@Suite struct PickleProfileTests {
    /// A SHORT_BINUNICODE constant (protocol 4).
    private func text(_ value: String) -> [UInt8] {
        let bytes = Array(value.utf8)
        return [0x8C, UInt8(bytes.count)] + bytes
    }

    /// `PROTO 4`, `module.name` by STACK_GLOBAL, called with one string, then STOP.
    private func call(_ module: String, _ name: String, _ argument: String) -> [UInt8] {
        [0x80, 0x04] + text(module) + text(name) + [0x93] + text(argument) + [0x85, 0x52, 0x2E]
    }

    private func byContent(_ bytes: [UInt8], fallback: PickleProfile = .plain) -> PickleScanResult {
        PickleScanner(profile: fallback, selectsByContent: true).scan(ScanInput(bytes: bytes, path: "model.pkl"))
    }

    @Test func aJoblibDumpNamedPklIsJudgedAsJoblib() {
        // Before, the name picked the plain profile and the `joblib` denylist entry made the wrapper dangerous.
        #expect(scanPickle(PickleFixtures.joblibModel, .plain).verdict == .dangerous)
        let result = byContent(PickleFixtures.joblibModel)
        #expect(result.findings.isEmpty, "\(result.findings)")
        let (file, _) = ModelScanner().scan(bytes: PickleFixtures.joblibModel, name: "model.pkl")
        #expect(file.verdict == .safe, "\(file.findings)")
    }

    @Test func aTorchImportSelectsTheTorchChecks() {
        // A persistent id that is not torch's storage tuple: noted in the torch profile, which the content picks.
        let bytes: [UInt8] =
            [0x80, 0x02] + Array("ctorch._utils\n_rebuild_tensor_v2\n".utf8) + text("x") + [0x51, 0x85, 0x52, 0x2E]
        let result = byContent(bytes)
        #expect(result.findings.contains { $0.code == .picklePersistentID && $0.message.contains("('storage', …)") })
        #expect(result.verdict == .suspicious)
    }

    @Test func torchScriptClassesWarnAsTorchScriptCode() {
        // data.pkl of a TorchScript archive: a compiled class, and the list builder torch.jit._pickle provides.
        let bytes: [UInt8] =
            [0x80, 0x02] + Array("c__torch__.torch.nn.modules.linear\nLinear\n".utf8) + [0x29, 0x81, 0x7D, 0x62]
            + Array("ctorch.jit._pickle\nbuild_intlist\n".utf8) + [0x5D, 0x4B, 0x01, 0x61, 0x85, 0x52, 0x86, 0x2E]
        for result in [scanPickle(bytes, .torch), byContent(bytes)] {
            #expect(result.verdict == .suspicious, "\(result.findings)")
            #expect(result.findings.map(\.code) == [.scanTorchScriptCode], "\(result.findings)")
        }
        // Outside the builders, torch.jit stays dangerous even in a TorchScript pickle, and so does a TorchScript
        // path through a dangerous module's name.
        let evil = call("torch.jit._pickle", "os_system", "id")
        #expect(byContent(evil).verdict == .dangerous)
        #expect(byContent(call("__torch__.builtins", "eval", "1")).verdict == .dangerous)
    }

    @Test func numpyObjectArraysAcceptPlainDataBuiltins() {
        // range(3) and b"ab" as protocol 2 writes them (builtins.range, _codecs.encode).
        let bytes: [UInt8] =
            [0x80, 0x02] + pickleBytes("c__builtin__\nxrange\nK\u{0}K\u{3}K\u{1}\u{87}R")
            + pickleBytes("c_codecs\nencode\nX\u{2}\u{0}\u{0}\u{0}abX\u{6}\u{0}\u{0}\u{0}latin1\u{86}R\u{86}.")
        #expect(scanPickle(bytes, .numpy).verdict == .safe, "\(scanPickle(bytes, .numpy).findings)")
    }

    @Test func npyObjectArraysMayEndWithBytesNumpyNeverReads() throws {
        let array = npy(pickle: PickleFixtures.numpyObjectArray + [0x0A])
        let (file, _) = ModelScanner().scan(bytes: array, name: "py2-objarr.npy")
        #expect(file.verdict == .safe, "\(file.findings)")
        // A second pickle after the first is still scanned.
        let stacked = npy(pickle: PickleFixtures.numpyObjectArray + call("posix", "system", "id"))
        #expect(ModelScanner().scan(bytes: stacked, name: "a.npy").file.verdict == .dangerous)
    }

    /// A version 1.0 `.npy` of an object array holding `pickle`.
    private func npy(pickle: [UInt8]) -> [UInt8] {
        var header = "{'descr': '|O', 'fortran_order': False, 'shape': (4,), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let length = UInt16(header.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
            + pickle
    }

    @Test(arguments: [
        ("xml.dom.minidom", "io.open", "io.open"), ("pathlib", "PosixPath.write_text", "pathlib.Path.write_text"),
        ("numpy.ma.core", "np.load", "numpy.load"), ("torch.utils.model_zoo", "load_url", "torch.hub"),
        ("numpy.testing", "runstring", "numpy.testing._private.utils.runstring"),
    ])
    func globalsAreJudgedByWhatTheyResolveTo(_ module: String, _ name: String, _ resolved: String) throws {
        let result = scanPickle(call(module, name, "x"))
        let finding = try #require(result.finding("\(module).\(name)"))
        #expect(finding.verdict == .dangerous)
        #expect(finding.message.contains(resolved) || finding.evidence.detail?.contains(resolved) == true, "\(finding)")
    }

    @Test(arguments: [
        ("m.pkl_01.npy", ScanVerdict.suspicious), ("../../home/x.npy", .dangerous), ("/tmp/x.npy", .dangerous),
        ("..", .dangerous), ("C:x.npy", .dangerous),
    ])
    func ndArrayWrapperIsJudgedByThePathItNames(_ path: String, _ verdict: ScanVerdict) throws {
        let bytes: [UInt8] =
            [0x80, 0x02] + pickleBytes("cjoblib.numpy_pickle\nNDArrayWrapper\n)\u{81}}") + text("filename")
            + text(path) + [0x73, 0x62, 0x2E]
        let result = byContent(bytes)
        #expect(result.verdict == verdict, "\(result.findings)")
        let code: FindingCode = verdict == .dangerous ? .picklePayloadLoader : .pickleExternalArray
        #expect(result.findings.contains { $0.code == code && $0.evidence.detail == path }, "\(result.findings)")
    }

    @Test func aDTypeStateThatResizesItemsStopsTheSkip() {
        // The float64 array's dtype state: elsize (BININT -1 at offset 166) set to 16; joblib would read 16 bytes
        // an item, twice what the type string 'f8' says, so the bytes are not skipped by the type string's size.
        var bytes = PickleFixtures.joblibModel
        #expect(Array(bytes[166...170]) == [0x4A, 0xFF, 0xFF, 0xFF, 0xFF])
        bytes.replaceSubrange(167...170, with: [0x10, 0x00, 0x00, 0x00])
        #expect(byContent(bytes).verdict == .malformed)
    }
}
