import StemmaCore
import StemmaScan
import Testing

@Suite struct FormatSavedModelTests {
    static func node(_ name: String, _ op: String, attrs: [(String, String)] = []) -> Proto {
        var node = Proto().string(1, name).string(2, op).string(3, "input:0")
        for (key, value) in attrs {
            node = node.message(5, Proto().string(1, key).message(2, Proto().string(2, value)))
        }
        return node
    }

    static func function(_ name: String, _ nodes: [Proto]) -> Proto {
        var function = Proto()
        for node in nodes { function = function.message(3, node) }
        // The signature after the nodes: the name must still be found.
        return function.message(1, Proto().string(1, name))
    }

    /// SavedModel { meta_graphs = 2 { graph_def = 2 { node = 1…, library = 2 { function = 1… } } } }
    static func savedModel(nodes: [Proto], functions: [Proto] = []) -> [UInt8] {
        var graph = Proto()
        for node in nodes { graph = graph.message(1, node) }
        var library = Proto()
        for function in functions { library = library.message(1, function) }
        graph = graph.message(2, library).message(4, Proto().int(1, 1395))
        let metaGraph = Proto().message(1, Proto().string(1, "serve")).message(2, graph)
        return Proto().int(1, 1).message(2, metaGraph).bytes
    }

    private func check(_ bytes: [UInt8]) -> [ScanFinding] {
        SavedModelCheck.check(ScanInput(bytes: bytes, path: "saved_model.pb"))
    }

    @Test func aPlainGraphIsSafe() {
        let nodes = [Self.node("x", "Placeholder"), Self.node("w", "Const"), Self.node("y", "MatMul")]
        let saver = Self.function("__inference__traced_save_88", [Self.node("SaveV2", "SaveV2")])
        #expect(check(Self.savedModel(nodes: nodes + [Self.node("save/SaveV2", "SaveV2")], functions: [saver])).isEmpty)
    }

    @Test func fileAndPythonOpsAreFlaggedInTheGraphAndInFunctions() {
        let inGraph = check(Self.savedModel(nodes: [Self.node("x", "MatMul"), Self.node("r", "ReadFile")]))
        #expect(inGraph.codes == ["scan.tf-unsafe-op"])
        #expect(inGraph.first?.evidence.opcode == "ReadFile")
        let inFunction = check(
            Self.savedModel(
                nodes: [Self.node("call", "StatefulPartitionedCall")],
                functions: [Self.function("__inference_call_12", [Self.node("cb", "PyFunc")])]))
        #expect(inFunction.worstVerdict == .dangerous)
        #expect(inFunction.first?.evidence.detail?.contains("__inference_call_12") == true)
        let write = check(Self.savedModel(nodes: [Self.node("w", "WriteFile")]))
        #expect(write.worstVerdict == .dangerous)
    }

    @Test func suspiciousOpsAndSaversOutsideTheSaver() {
        let print = check(
            Self.savedModel(nodes: [Self.node("p", "PrintV2", attrs: [("output_stream", "file:///tmp/x")])]))
        #expect(print.codes == ["scan.tf-suspicious-op"])
        #expect(print.first?.evidence.detail?.contains("file:///tmp/x") == true)
        let rogueSave = check(Self.savedModel(nodes: [Self.node("model/SaveV2", "SaveV2")]))
        #expect(rogueSave.worstVerdict == .suspicious)
        let inCall = check(
            Self.savedModel(nodes: [], functions: [Self.function("__inference_serve_3", [Self.node("s", "SaveV2")])]))
        #expect(inCall.worstVerdict == .suspicious)
    }

    @Test func brokenProtobufIsMalformedWithoutLosingEarlierFindings() {
        let bytes = Self.savedModel(nodes: [Self.node("r", "ReadFile"), Self.node("y", "MatMul")])
        // Cut short, the file is malformed, and the ReadFile node that is still whole is reported.
        #expect(check(Array(bytes.dropLast(3))).codes == ["scan.tf-unsafe-op", "scan.malformed"])
        #expect(check(Array(bytes.prefix(12))).codes == ["scan.malformed"])
        #expect(check([0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).codes == ["scan.malformed"])
        #expect(check([0x0B, 0x00]).codes == ["scan.malformed"])  // a group
        #expect(check([]).codes == ["scan.malformed"])  // no meta graph
    }

    @Test func kerasMetadataGetsTheLegacyKerasRules() {
        let lambda = FormatKerasTests.sequential([FormatKerasTests.lambdaLayer])
        let metadata = Proto().message(
            1, Proto().int(2, 0).string(3, "root").string(4, "_tf_keras_sequential").string(5, lambda))
        let findings = SavedModelCheck.checkKerasMetadata(ScanInput(bytes: metadata.bytes, path: "keras_metadata.pb"))
        #expect(findings.worstVerdict == .dangerous)
        let plain = Proto().message(1, Proto().string(5, FormatKerasTests.sequential([FormatKerasTests.denseLayer])))
        #expect(SavedModelCheck.checkKerasMetadata(ScanInput(bytes: plain.bytes, path: "k.pb")).isEmpty)
    }
}
