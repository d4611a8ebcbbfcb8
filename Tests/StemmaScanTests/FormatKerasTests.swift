import StemmaCore
import StemmaScan
import StemmaTestSupport
import Testing

@Suite struct FormatKerasTests {
    static let lambdaLayer = #"""
        {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "evil", "function":
        {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAACAAAA", "defaults": null,
        "closure": null}}}, "registered_name": null}
        """#
    static let denseLayer = #"""
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 4, "activation": "relu",
        "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null},
        "registered_name": null}, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name":
        "float32"}, "registered_name": null}}, "registered_name": null, "build_config": {"input_shape": [null, 3]}}
        """#

    static func sequential(_ layers: [String]) -> String {
        #"{"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": ["#
            + layers.joined(separator: ", ") + #"]}, "registered_name": null}"#
    }

    static func functional(_ layers: [String]) -> String {
        #"{"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "f", "layers": ["#
            + layers.joined(separator: ", ") + #"], "input_layers": [], "output_layers": []},"#
            + #" "registered_name": "Functional", "compile_config": {"optimizer": {"module": "keras.optimizers","#
            + #" "class_name": "Adam", "config": {"learning_rate": 0.001}, "registered_name": null}}}"#
    }

    private func check(_ json: String, legacy: Bool = false) -> [ScanFinding] {
        KerasConfigCheck.check(json: Array(json.utf8), legacyH5: legacy)
    }

    @Test func anOrdinaryModelIsSafe() {
        #expect(check(Self.sequential([Self.denseLayer])).isEmpty)
        #expect(check(Self.functional([Self.denseLayer, Self.sequential([Self.denseLayer])])).isEmpty)
        #expect(check(Self.sequential([Self.denseLayer]), legacy: true).isEmpty)
    }

    @Test func aLambdaIsDangerousAtAnyDepth() {
        let top = check(Self.sequential([Self.lambdaLayer]))
        #expect(top.worstVerdict == .dangerous)
        #expect(top.codes == ["scan.keras-lambda"])
        let nested = check(Self.functional([Self.denseLayer, Self.sequential([Self.denseLayer, Self.lambdaLayer])]))
        #expect(nested.worstVerdict == .dangerous)
        #expect(nested.first?.evidence.detail?.contains("config.layers[1].config.layers[1]") == true)
    }

    @Test func legacyLambdasAreDangerousInH5AndSuspiciousInKeras3() {
        let named = #"""
            {"class_name": "Lambda", "config": {"name": "l", "function": {"module": "keras.ops", "class_name":
            "function", "config": "add", "registered_name": "add"}}}
            """#
        #expect(check(Self.sequential([named])).worstVerdict == .suspicious)
        #expect(check(Self.sequential([named]), legacy: true).worstVerdict == .dangerous)
        let marshal = #"""
            {"class_name": "Lambda", "config": {"name": "l", "function": ["4wEAAAAA", null, null],
            "function_type": "lambda", "module": "keras.layers"}}
            """#
        #expect(check(Self.sequential([marshal]), legacy: true).codes == ["scan.keras-lambda"])
    }

    @Test(arguments: ["os", "kerasx.foo", "builtins", "", "keras_evil.layers", "__main__"])
    func modulesOutsideKerasAreDangerous(_ module: String) {
        let object = #"{"module": "\#(module)", "class_name": "system", "config": {"command": "id"}}"#
        let findings = check(Self.sequential([Self.denseLayer, object]))
        #expect(findings.worstVerdict == .dangerous)
        #expect(findings.codes == ["scan.keras-module"])
        #expect(findings.first?.evidence.detail?.contains("module: \(module)") == true)
    }

    @Test func fileFunctionsReachedThroughKerasAreDangerous() {
        let loader = #"""
            {"class_name": "Lambda", "config": {"name": "l", "function": {"module": "keras.models", "class_name":
            "function", "config": "load_model", "registered_name": "load_model"}}}
            """#
        #expect(check(Self.sequential([loader])).codes.contains("scan.keras-unsafe-function"))
        let direct = #"{"module": "keras.utils", "class_name": "get_file", "config": {"origin": "http://x"}}"#
        #expect(check(Self.sequential([direct])).codes == ["scan.keras-unsafe-function"])
    }

    @Test func registeredCustomObjectsAreSuspicious() {
        let custom = #"""
            {"module": "keras.layers", "class_name": "MyLayer", "config": {}, "registered_name": "MyPackage>MyLayer"}
            """#
        let findings = check(Self.sequential([custom]))
        #expect(findings.codes == ["scan.keras-custom-object"])
        #expect(findings.worstVerdict == .suspicious)
    }

    @Test func unparseableConfigsAreMalformedAndStillShowLambdas() {
        let nan = #"{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "x": NaN}]}}"#
        let findings = check(nan)
        #expect(findings.codes == ["scan.malformed", "scan.keras-lambda"])
        #expect(findings.worstVerdict == .dangerous)
        let duplicate = #"{"class_name": "Dense", "class_name": "Dense"}"#
        #expect(check(duplicate).worstVerdict == .malformed)
    }

    @Test func deeplyNestedConfigsStopAtTheDepthBound() {
        let deep =
            String(repeating: #"{"class_name": "Lambda", "config": "#, count: 300) + "0"
            + String(repeating: "}", count: 300)
        let findings = check(deep)
        #expect(findings.codes == ["scan.incomplete", "scan.keras-lambda"])
    }

    @Test func memberNamesOutsideTheKerasLayoutAreSuspicious() {
        let expected = ["config.json", "metadata.json", "model.weights.h5", "model.weights.npz", "assets/vocab.txt"]
        #expect(KerasConfigCheck.checkMemberNames(expected).isEmpty)
        let findings = KerasConfigCheck.checkMemberNames(expected + ["payload.pkl", "config.json.bak"])
        #expect(findings.codes == ["scan.keras-unexpected-member", "scan.keras-unexpected-member"])
        #expect(findings.map(\.evidence.member) == [["payload.pkl"], ["config.json.bak"]])
    }
}

@Suite struct FormatHDF5Tests {
    static let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    /// HDF5-looking bytes: the signature, binary filler, the attribute name, then the JSON in clear.
    static func h5(config: String?, userBlock: Int = 0, filler: Int = 300) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: userBlock) + signature
        bytes += (0..<filler).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        if let config {
            bytes += Array("model_config".utf8) + [0x00, 0x13, 0x01] + Array(config.utf8) + [0, 0, 0]
        }
        bytes += (0..<filler).map { UInt8(truncatingIfNeeded: $0 &* 91 &+ 5) }
        return bytes
    }

    private func check(_ bytes: [UInt8]) -> [ScanFinding] { HDF5Check.check(ScanInput(bytes: bytes, path: "m.h5")) }

    @Test func anEmbeddedLambdaIsDangerous() {
        let legacy = #"""
            {"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Lambda", "config":
            {"name": "l", "function": ["4wEAAAAA", null, null], "function_type": "lambda"}}]}}
            """#
        let findings = check(Self.h5(config: legacy))
        #expect(findings.worstVerdict == .dangerous)
        #expect(findings.codes == ["scan.keras-lambda"])
        #expect((findings.first?.evidence.offset ?? 0) > 300)
        let keras3 = FormatKerasTests.sequential([FormatKerasTests.denseLayer, FormatKerasTests.lambdaLayer])
        #expect(check(Self.h5(config: keras3, userBlock: 512)).worstVerdict == .dangerous)
    }

    @Test func weightsOnlyAndOrdinaryConfigsAreSafe() {
        #expect(check(Self.h5(config: nil)).isEmpty)
        #expect(check(Self.h5(config: FormatKerasTests.sequential([FormatKerasTests.denseLayer]))).isEmpty)
    }

    @Test func aModelConfigWithoutReadableJSONIsMalformed() {
        #expect(check(Self.h5(config: #"{"\u0063lass_name": "Lambda", "config": [1, 2"#)).worstVerdict == .malformed)
        // Escaped keys are JSON keys all the same (issue 10): the Lambda is read.
        #expect(check(Self.h5(config: #"{"\u0063lass_name": "Lambda"}"#)).worstVerdict == .dangerous)
        #expect(check(Array(Self.h5(config: nil).dropFirst(1))).worstVerdict == .malformed)
    }

    @Test func keysOutsideAnyObjectAreMalformedAndCheap() {
        let stuffed = Self.signature + Array(String(repeating: #""class_name": 1, "#, count: 5000).utf8)
        #expect(check(stuffed).codes == ["scan.malformed"])
        let more = Self.signature + Array(String(repeating: #""class_name": 1, "#, count: 120_000).utf8)
        #expect(check(more).codes == ["scan.incomplete"])
    }

    @Test func aConfigAcrossTheChunkBoundaryIsFoundInAFile() throws {
        let json = Array(FormatKerasTests.sequential([FormatKerasTests.lambdaLayer]).utf8)
        var bytes = Self.signature + [UInt8](repeating: 0x01, count: (1 << 20) - 40)
        bytes += json + [UInt8](repeating: 0x02, count: 4096)
        let folder = try TemporaryFolder()
        let input = try ScanInput.open(path: try folder.write("model.h5", bytes))
        #expect(HDF5Check.check(input).worstVerdict == .dangerous)
        #expect(HDF5Check.check(input, limits: ScanLimits(maxTotalBytes: 1 << 19)).worstVerdict == .malformed)
    }
}
