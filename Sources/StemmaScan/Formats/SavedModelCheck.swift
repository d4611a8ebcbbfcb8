import StemmaCore

/// Checks a TensorFlow SavedModel (`saved_model.pb`) for ops that touch files or call back into Python, in the
/// graph and in every function of its library, and the Keras config inside `keras_metadata.pb`.
///
/// Decoded fields (tensorflow/core/protobuf/saved_model.proto, meta_graph.proto, framework/graph.proto,
/// node_def.proto, function.proto, op_def.proto): SavedModel.meta_graphs = 2 → MetaGraphDef.graph_def = 2 →
/// GraphDef.node = 1 (NodeDef name = 1, op = 2, attr = 5) and GraphDef.library = 2 → FunctionDefLibrary.function =
/// 1 → FunctionDef.signature = 1 (OpDef.name = 1), FunctionDef.node_def = 3. Ops outside the named lists are not
/// flagged: an allowlist of TensorFlow's ~1,500 ops would be too noisy to be useful.
public enum SavedModelCheck {
    /// Ops that read or write arbitrary files, or run Python: dangerous anywhere.
    static let unsafeOps: Set<String> = [
        "ReadFile", "WriteFile", "PyFunc", "PyFuncStateless", "EagerPyFunc",
        // Ops that write files at a path the graph names: a dataset serialised to TFRecord, summary writers.
        "DatasetToTFRecord", "CreateSummaryFileWriter", "CreateSummaryDbWriter",
    ]
    /// Ops that list files, print to a stream that may be a file, or map a file into a tensor.
    static let suspiciousOps: Set<String> = ["MatchingFiles", "PrintV2", "ImmutableConst"]
    /// Checkpoint ops: normal inside the saver, suspicious anywhere else.
    static let saverOps: Set<String> = [
        "Save", "SaveV2", "SaveSlices", "MergeV2Checkpoints", "Restore", "RestoreV2", "RestoreSlice",
    ]
    /// The most findings reported for one file; the rest are the same ops again.
    static let maxFindings = 100

    /// Checks a `saved_model.pb`.
    public static func check(_ input: ScanInput) -> [ScanFinding] {
        var walker = SavedModelWalker()
        do throws(FormatFailure) {
            var model = ProtobufReader(InputWindow(input))
            var metaGraphs = 0
            while let field = try model.next() {
                guard field.number == 2 else { continue }
                metaGraphs += 1
                var metaGraph = try model.message(field)
                while let graph = try metaGraph.next() {
                    if graph.number == 2 { try walker.graph(try metaGraph.message(graph)) }
                }
            }
            guard metaGraphs > 0 else { throw FormatFailure.malformed("the SavedModel has no meta graph") }
        } catch {
            walker.findings.append(error.finding("SavedModel"))
        }
        return walker.findings
    }

    /// Checks a `keras_metadata.pb` (SavedMetadata: repeated SavedObject nodes = 1): every string field of a node
    /// that holds a JSON object gets the Keras rules, as a legacy load (Lambda runs unconditionally).
    public static func checkKerasMetadata(_ input: ScanInput) -> [ScanFinding] {
        var findings: [ScanFinding] = []
        do {
            var metadata = ProtobufReader(InputWindow(input))
            while let field = try metadata.next() {
                guard field.number == 1 else { continue }
                var node = try metadata.message(field)
                while let member = try node.next() {
                    guard member.isLengthDelimited, try node.firstSignificantByte(member) == UInt8(ascii: "{") else {
                        continue
                    }
                    let json = try node.bytes(member, limit: KerasConfigCheck.jsonLimits.maxBytes)
                    findings += KerasConfigCheck.check(json: json, legacyH5: true).map {
                        var finding = $0
                        finding.evidence.offset = finding.evidence.offset.map { $0 + member.start } ?? member.start
                        return finding
                    }
                }
            }
        } catch {
            findings.append(error.finding("keras_metadata.pb"))
        }
        return findings
    }
}

/// Collects op findings over the graphs of one SavedModel.
private struct SavedModelWalker {
    var findings: [ScanFinding] = []
    private var seen: Set<String> = []

    mutating func graph(_ reader: ProtobufReader) throws(FormatFailure) {
        var graph = reader
        while let field = try graph.next() {
            if field.number == 1 {
                try node(try graph.message(field), function: nil)
            } else if field.number == 2 {
                var library = try graph.message(field)
                while let function = try library.next() {
                    if function.number == 1 { try self.function(try library.message(function)) }
                }
            }
        }
    }

    /// A FunctionDef: its name (from the signature, wherever it sits in the message) then its nodes.
    private mutating func function(_ reader: ProtobufReader) throws(FormatFailure) {
        var name = ""
        var pass = reader
        while let field = try pass.next() {
            guard field.number == 1 else { continue }
            var signature = try pass.message(field)
            while let member = try signature.next() {
                if member.number == 1 { name = try signature.string(member) }
            }
        }
        var nodes = reader
        while let field = try nodes.next() {
            if field.number == 3 { try node(try nodes.message(field), function: name) }
        }
    }

    private mutating func node(_ reader: ProtobufReader, function: String?) throws(FormatFailure) {
        var node = reader
        var name = ""
        var ops: [String] = []
        var outputStream: String?
        while let field = try node.next() {
            switch field.number {
            case 1: name = try node.string(field)
            case 2: ops.append(try node.string(field))
            case 5: if let stream = try outputStreamAttribute(try node.message(field)) { outputStream = stream }
            default: break
            }
        }
        // A repeated singular field means the last one wins for TensorFlow; every spelling is checked here.
        for op in ops { classify(op: op, node: name, function: function, outputStream: outputStream) }
    }

    /// The `output_stream` attribute of a PrintV2 node (an attr map entry: key = 1, AttrValue value = 2, s = 2).
    private func outputStreamAttribute(_ reader: ProtobufReader) throws(FormatFailure) -> String? {
        var entry = reader
        var key = ""
        var valueField: ProtobufReader.Field?
        while let field = try entry.next() {
            if field.number == 1 { key = try entry.string(field) } else if field.number == 2 { valueField = field }
        }
        // Only PrintV2's stream is read: other attrs (serialised constants) can be large and do not matter here.
        guard key == "output_stream", let valueField else { return nil }
        var attr = try entry.message(valueField)
        var value: String?
        while let member = try attr.next() {
            if member.number == 2 { value = try attr.string(member) }
        }
        return value
    }

    private mutating func classify(op: String, node: String, function: String?, outputStream: String?) {
        let place = function.map { "function '\($0)'" } ?? "the graph"
        guard findings.count < SavedModelCheck.maxFindings,
            let finding = SavedModelCheck.finding(op: op, node: node, function: function, outputStream: outputStream),
            seen.insert("\(op)@\(place)").inserted
        else { return }
        findings.append(finding)
    }
}

extension SavedModelCheck {
    /// The finding for one node's op, or nil for an op the lists do not name (shared by the binary and the text
    /// SavedModel readers).
    static func finding(op: String, node: String, function: String?, outputStream: String?) -> ScanFinding? {
        let verdict: ScanVerdict
        let code: FindingCode
        if unsafeOps.contains(op) {
            (verdict, code) = (.dangerous, .scanTensorFlowUnsafeOp)
        } else if suspiciousOps.contains(op) {
            (verdict, code) = (.suspicious, .scanTensorFlowSuspiciousOp)
        } else if saverOps.contains(op), !isStandardSaver(node: node, function: function) {
            (verdict, code) = (.suspicious, .scanTensorFlowSuspiciousOp)
        } else {
            return nil
        }
        let place = function.map { "function '\($0)'" } ?? "the graph"
        var detail = "op \(op), node '\(node)' in \(place)"
        if let outputStream { detail += ", output_stream \(outputStream)" }
        return ScanFinding(
            code, verdict, "The TensorFlow graph runs \(op) (node '\(node)' in \(place)).",
            evidence: ScanEvidence(opcode: op, detail: detail))
    }

    /// The saver sub-graph: TF1 nodes under `save/` (or `save_1/`, `saver/`), TF2 functions such as
    /// `__inference__traced_save_123` and `__inference__traced_restore_456`.
    static func isStandardSaver(node: String, function: String?) -> Bool {
        if let function {
            let lowered = function.lowercased()
            return lowered.contains("save") || lowered.contains("restore")
        }
        let scope = node.split(separator: "/", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        return scope.hasPrefix("save") || scope.hasPrefix("restore")
    }
}
