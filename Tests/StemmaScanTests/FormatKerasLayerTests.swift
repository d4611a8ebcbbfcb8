import StemmaCore
import StemmaScan
import Testing

/// Keras layers that run code or read files through config members other than a Lambda's `function` (found by a
/// red-team pass): a Lambda's `output_shape` bytecode, TFSMLayer, and vocabularies read from a path.
@Suite struct FormatKerasLayerTests {
    private static func scan(_ layer: String) -> [ScanFinding] {
        KerasConfigCheck.check(json: Array(FormatKerasTests.sequential([layer]).utf8), legacyH5: false)
    }

    @Test func lambdaOutputShapeBytecodeIsDangerousAndAShapeListIsNot() {
        let bytecode = #"""
            {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "l", "function":
            {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "function"},
            "output_shape": {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAA", "defaults": null,
            "closure": null}}}, "registered_name": null}
            """#
        #expect(Self.scan(bytecode).contains { $0.code == .scanKerasLambda && $0.verdict == .dangerous })
        let shape = #"""
            {"module": "keras.layers", "class_name": "Lambda", "config": {"name": "l", "function":
            {"module": "keras.activations", "class_name": "function", "config": "relu", "registered_name": "function"},
            "output_shape": [null, 3]}, "registered_name": null}
            """#
        #expect(!Self.scan(shape).contains { $0.verdict == .dangerous })
    }

    @Test func tfsmLayerIsDangerous() {
        let layer = #"""
            {"module": "keras.layers", "class_name": "TFSMLayer", "config": {"filepath": "/tmp/x",
            "call_endpoint": "serve"}, "registered_name": null}
            """#
        #expect(Self.scan(layer).contains { $0.code == .scanKerasUnsafeFunction && $0.verdict == .dangerous })
    }

    @Test(arguments: ["StringLookup", "IntegerLookup", "TextVectorization"])
    func vocabularyFromAPathIsSuspiciousAndAListIsNot(_ className: String) {
        let path =
            #"{"module": "keras.layers", "class_name": "\#(className)", "config": {"vocabulary": "/etc/passwd"}}"#
        #expect(Self.scan(path).contains { $0.code == .scanKerasUnsafeFunction && $0.verdict == .suspicious })
        let list = #"{"module": "keras.layers", "class_name": "\#(className)", "config": {"vocabulary": ["a", "b"]}}"#
        #expect(Self.scan(list).isEmpty)
    }
}
