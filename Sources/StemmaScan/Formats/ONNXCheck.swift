import StemmaCore

/// Checks an ONNX model: external-data paths that leave the model folder, external ranges that overrun their
/// file, and operators from custom domains (which need a native custom-op library).
///
/// Decoded fields (onnx/onnx.proto): ModelProto.graph = 7, opset_import = 8 (OperatorSetIdProto.domain = 1),
/// training_info = 20 (TrainingInfoProto.initialization = 1, algorithm = 2), functions = 25 (FunctionProto.node =
/// 7, opset_import = 9, domain = 10, attribute_proto = 11); GraphProto.node = 1, initializer = 5,
/// sparse_initializer = 15 (SparseTensorProto.values = 1, indices = 2); NodeProto.op_type = 4, attribute = 5,
/// domain = 7; AttributeProto.t = 5, g = 6, tensors = 10, graphs = 11, sparse_tensor = 22, sparse_tensors = 23;
/// TensorProto.name = 8, external_data = 13 (StringStringEntryProto key = 1, value = 2), data_location = 14.
public enum ONNXCheck {
    /// Operator domains that ship with ONNX and ONNX Runtime.
    static let standardDomains: Set<String> = [
        "", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft",
    ]
    /// The most findings reported for one model.
    static let maxFindings = 100

    /// Checks an ONNX model.
    /// - Parameters:
    ///   - input: the model's bytes.
    ///   - modelFolder: the folder holding the model on disk, to resolve external-data paths (nil inside
    ///     archives: then only the path rules apply, and existence and size cannot be checked).
    public static func check(_ input: ScanInput, modelFolder: String?) -> [ScanFinding] {
        var walker = ONNXWalker(externalData: ExternalDataRules(modelFolder: modelFolder))
        do {
            try walker.model(ProtobufReader(InputWindow(input)))
        } catch {
            walker.findings.append(error.finding("ONNX"))
        }
        return walker.findings + walker.domainFindings()
    }
}

/// One walk over a ModelProto.
private struct ONNXWalker {
    var externalData: ExternalDataRules
    var findings: [ScanFinding] = []
    private var usedDomains: [String: Set<String>] = [:]
    private var localFunctionDomains: Set<String> = []

    init(externalData: ExternalDataRules) { self.externalData = externalData }

    mutating func model(_ reader: ProtobufReader) throws(FormatFailure) {
        var model = reader
        var graphs = 0
        while let field = try model.next() {
            switch field.number {
            case 7:
                graphs += 1
                try graph(try model.message(field))
            case 8: try opsetImport(try model.message(field))
            case 20:
                var training = try model.message(field)
                while let member = try training.next() {
                    if member.number == 1 || member.number == 2 { try graph(try training.message(member)) }
                }
            case 25: try function(try model.message(field))
            default: break
            }
        }
        // Any bytes that happen to be valid protobuf would otherwise pass; a model without a graph cannot load.
        guard graphs > 0 else { throw .malformed("the ModelProto has no graph") }
    }

    private mutating func graph(_ reader: ProtobufReader) throws(FormatFailure) {
        var graph = reader
        while let field = try graph.next() {
            switch field.number {
            case 1: try node(try graph.message(field))
            case 5: try tensor(try graph.message(field))
            case 15: try sparseTensor(try graph.message(field))
            default: break
            }
        }
    }

    private mutating func node(_ reader: ProtobufReader) throws(FormatFailure) {
        var node = reader
        var opType = ""
        var domain = ""
        while let field = try node.next() {
            switch field.number {
            case 4: opType = try node.string(field)
            case 7: domain = try node.string(field)
            case 5: try attribute(try node.message(field))
            default: break
            }
        }
        usedDomains[domain, default: []].insert(opType)
    }

    private mutating func attribute(_ reader: ProtobufReader) throws(FormatFailure) {
        var attribute = reader
        while let field = try attribute.next() {
            switch field.number {
            case 5, 10: try tensor(try attribute.message(field))
            case 6, 11: try graph(try attribute.message(field))
            case 22, 23: try sparseTensor(try attribute.message(field))
            default: break
            }
        }
    }

    private mutating func function(_ reader: ProtobufReader) throws(FormatFailure) {
        var function = reader
        while let field = try function.next() {
            switch field.number {
            case 7: try node(try function.message(field))
            case 9: try opsetImport(try function.message(field))
            case 10: localFunctionDomains.insert(try function.string(field))
            case 11: try attribute(try function.message(field))
            default: break
            }
        }
    }

    private mutating func opsetImport(_ reader: ProtobufReader) throws(FormatFailure) {
        var opset = reader
        var domain = ""
        while let field = try opset.next() {
            if field.number == 1 { domain = try opset.string(field) }
        }
        usedDomains[domain, default: []].formUnion([])
    }

    private mutating func sparseTensor(_ reader: ProtobufReader) throws(FormatFailure) {
        var sparse = reader
        while let field = try sparse.next() {
            if field.number == 1 || field.number == 2 { try tensor(try sparse.message(field)) }
        }
    }

    private mutating func tensor(_ reader: ProtobufReader) throws(FormatFailure) {
        var tensor = reader
        var name = ""
        var external = false
        var entries: [(key: String, value: String)] = []
        while let field = try tensor.next() {
            switch field.number {
            case 8: name = try tensor.string(field)
            case 14: external = field.scalar == 1
            case 13:
                var entry = try tensor.message(field)
                var key = ""
                var value = ""
                while let member = try entry.next() {
                    if member.number == 1 { key = try entry.string(member) }
                    if member.number == 2 { value = try entry.string(member, limit: 64 << 10) }
                }
                entries.append((key, value))
            default: break
            }
        }
        guard external || entries.contains(where: { $0.key == "location" }) else { return }
        for finding in externalData.check(tensor: name, entries: entries) {
            if findings.count < ONNXCheck.maxFindings { findings.append(finding) }
        }
    }

    /// One suspicious finding per custom domain, naming the operators used from it.
    func domainFindings() -> [ScanFinding] {
        usedDomains.keys.sorted().compactMap { domain in
            guard !ONNXCheck.standardDomains.contains(domain), !localFunctionDomains.contains(domain) else {
                return nil
            }
            let ops = (usedDomains[domain] ?? []).sorted().prefix(10).joined(separator: ", ")
            return ScanFinding(
                .scanONNXCustomDomain, .suspicious,
                "The ONNX model uses operator domain '\(domain)', which needs a native custom-op library.",
                evidence: ScanEvidence(detail: "domain \(domain)" + (ops.isEmpty ? "" : ": \(ops)")))
        }
    }
}
