import StemmaCore
import StemmaScan
import StemmaTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct FormatONNXTests {
    static func externalTensor(_ name: String, location: String, offset: String? = nil, length: String? = nil)
        -> Proto
    {
        var tensor = Proto().int(1, 4).int(2, 1).string(8, name)
        var entries = [("location", location)]
        if let offset { entries.append(("offset", offset)) }
        if let length { entries.append(("length", length)) }
        for (key, value) in entries { tensor = tensor.message(13, Proto().string(1, key).string(2, value)) }
        return tensor.int(14, 1)
    }

    static func node(_ op: String, domain: String = "", attributes: [Proto] = []) -> Proto {
        var node = Proto().string(1, "x").string(2, "y").string(3, "n").string(4, op)
        for attribute in attributes { node = node.message(5, attribute) }
        return domain.isEmpty ? node : node.string(7, domain)
    }

    /// ModelProto { ir_version = 1, graph = 7 { node = 1…, initializer = 5… }, opset_import = 8… }
    static func model(nodes: [Proto], initializers: [Proto] = [], domains: [String] = [""], functions: [Proto] = [])
        -> [UInt8]
    {
        var graph = Proto().string(2, "main")
        for node in nodes { graph = graph.message(1, node) }
        for tensor in initializers { graph = graph.message(5, tensor.data(9, [1, 2, 3, 4])) }
        var model = Proto().int(1, 8).string(2, "test").message(7, graph)
        for domain in domains { model = model.message(8, Proto().string(1, domain).int(2, 17)) }
        for function in functions { model = model.message(25, function) }
        return model.bytes
    }

    private func check(_ bytes: [UInt8], folder: String?) -> [ScanFinding] {
        ONNXCheck.check(ScanInput(bytes: bytes, path: "model.onnx"), modelFolder: folder)
    }

    @Test func validExternalDataIsSafe() throws {
        let folder = try TemporaryFolder()
        try folder.write("weights/w.bin", [UInt8](repeating: 7, count: 128))
        let bytes = Self.model(
            nodes: [Self.node("MatMul")],
            initializers: [Self.externalTensor("w", location: "weights/w.bin", offset: "64", length: "64")])
        #expect(check(bytes, folder: folder.path).isEmpty)
        #expect(check(bytes, folder: nil).isEmpty)
    }

    @Test(arguments: ["../../etc/passwd", "/etc/passwd", "C:/Windows/win.ini", "\\\\server\\share\\w", "a/../../b"])
    func escapingPathsAreDangerous(_ location: String) throws {
        let folder = try TemporaryFolder()
        let bytes = Self.model(
            nodes: [Self.node("MatMul")], initializers: [Self.externalTensor("w", location: location)])
        for modelFolder in [folder.path, nil] {
            let findings = check(bytes, folder: modelFolder)
            #expect(findings.codes == ["scan.onnx-external-data-escape"], "\(location)")
            #expect(findings.worstVerdict == .dangerous)
        }
    }

    @Test func aSymlinkOutOfTheFolderIsDangerous() throws {
        let folder = try TemporaryFolder()
        let outside = try TemporaryFolder()
        let target = try outside.write("secret.bin", [UInt8](repeating: 1, count: 64))
        #expect(symlink(target, folder.url("w.bin")) == 0)
        let bytes = Self.model(nodes: [], initializers: [Self.externalTensor("w", location: "w.bin")])
        #expect(check(bytes, folder: folder.path).codes == ["scan.onnx-external-data-escape"])
        #expect(check(bytes, folder: nil).isEmpty)  // inside an archive only the path rules can apply
    }

    @Test func rangesBeyondTheFileAndMissingFilesAreMalformed() throws {
        let folder = try TemporaryFolder()
        try folder.write("w.bin", [UInt8](repeating: 7, count: 100))
        for (offset, length) in [("64", "64"), ("200", nil), ("18446744073709551615", "2"), ("-1", nil), ("x", "1")] {
            let bytes = Self.model(
                nodes: [], initializers: [Self.externalTensor("w", location: "w.bin", offset: offset, length: length)])
            #expect(check(bytes, folder: folder.path).codes == ["scan.malformed"], "\(offset) \(length ?? "-")")
        }
        let missing = Self.model(nodes: [], initializers: [Self.externalTensor("w", location: "nope.bin")])
        #expect(check(missing, folder: folder.path).codes == ["scan.malformed"])
        let valid = Self.model(nodes: [], initializers: [Self.externalTensor("w", location: "w.bin")])
        #expect(check(valid, folder: folder.path + "/no-such-folder").codes == ["scan.malformed"])
    }

    @Test func externalDataInsideSubgraphsIsChecked() {
        let subgraph = Proto().message(
            1,
            Self.node(
                "Constant",
                attributes: [
                    Proto().string(1, "value").message(5, Self.externalTensor("c", location: "../x.bin"))
                ]))
        let ifNode = Self.node("If", attributes: [Proto().string(1, "then_branch").message(6, subgraph)])
        #expect(check(Self.model(nodes: [ifNode]), folder: nil).worstVerdict == .dangerous)
    }

    @Test func customDomainsAreSuspiciousUnlessDefinedInTheModel() {
        let custom = check(
            Self.model(nodes: [Self.node("Evil", domain: "com.evil")], domains: ["", "com.evil"]), folder: nil)
        #expect(custom.codes == ["scan.onnx-custom-domain"])
        #expect(custom.first?.evidence.detail == "domain com.evil: Evil")
        let standard = Self.model(
            nodes: [
                Self.node("FusedMatMul", domain: "com.microsoft"),
                Self.node("TreeEnsembleRegressor", domain: "ai.onnx.ml"),
            ],
            domains: ["", "ai.onnx.ml", "com.microsoft"])
        #expect(check(standard, folder: nil).isEmpty)
        let local = Proto().string(1, "MyOp").string(10, "local").message(7, Self.node("Relu"))
        let usesLocal = Self.model(
            nodes: [Self.node("MyOp", domain: "local")], domains: ["", "local"], functions: [local])
        #expect(check(usesLocal, folder: nil).isEmpty)
    }

    @Test func brokenProtobufIsMalformed() {
        let bytes = Self.model(nodes: [Self.node("MatMul")])
        #expect(check(Array(bytes.dropLast(2)), folder: nil).codes == ["scan.malformed"])
        #expect(check([], folder: nil).codes == ["scan.malformed"])
        #expect(check(Proto().int(1, 8).string(2, "no graph").bytes, folder: nil).codes == ["scan.malformed"])
        #expect(
            check([0x3A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], folder: nil).codes == [
                "scan.malformed"
            ])
    }
}
