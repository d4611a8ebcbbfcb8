/// Recognises an ONNX `ModelProto` by its field layout, whatever the file is called: `onnx.load` and ONNX
/// Runtime take any path.
///
/// Protobuf has no magic number and random bytes often parse as a few fields, so the probe asks for what a
/// loadable model has, in any field order (protobuf parsers take any): the whole top level parses, every field
/// ModelProto defines has its own wire type (a parser refuses another), there is a `graph` (7) whose top level
/// parses the same way as a GraphProto, and `ir_version` (1, a varint in 1…64) or an `opset_import` (8). Unknown
/// fields are allowed, as parsers keep them. A file that passes is checked in full by ``ONNXCheck``; other
/// protobufs fail on a wire type (SentencePiece and TF GraphDef start with a length-delimited field 1, a
/// SavedModel and its fingerprint have no graph).
enum ONNXProbe {
    /// ModelProto fields and their wire types (onnx/onnx.proto): ir_version 1, producer_name 2,
    /// producer_version 3, domain 4, model_version 5, doc_string 6, graph 7, opset_import 8, metadata_props 14,
    /// training_info 20, functions 25, configuration 26.
    static let modelFields: [Int: UInt8] = [
        1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2, 26: 2,
    ]
    /// GraphProto fields: node 1, name 2, initializer 5, doc_string 10, input 11, output 12, value_info 13,
    /// quantization_annotation 14, sparse_initializer 15, metadata_props 16.
    static let graphFields: [Int: UInt8] = [
        1: 2, 2: 2, 5: 2, 10: 2, 11: 2, 12: 2, 13: 2, 14: 2, 15: 2, 16: 2,
    ]
    /// Top-level fields read before giving up (a model has a dozen; its graph may have many nodes).
    static let maxFields = 1 << 20

    /// Whether `input` has the shape of an ONNX model.
    /// - Throws: ``FormatFailure`` `.unreadable` when the input cannot be read.
    static func isModel(_ input: ScanInput) throws(FormatFailure) -> Bool {
        guard input.count >= 4 else { return false }
        var model = ProtobufReader(InputWindow(input))
        var irVersion = false
        var opset = false
        var graph: ProtobufReader.Field?
        var fields = 0
        do {
            while let field = try model.next() {
                fields += 1
                guard fields <= maxFields else { return false }
                if let wireType = modelFields[field.number], wireType != field.wireType { return false }
                if field.number == 1 { irVersion = (1...64).contains(field.scalar) }
                if field.number == 7 { graph = field }
                if field.number == 8 { opset = true }
            }
            guard irVersion || opset, let graph else { return false }
            var reader = try model.message(graph)
            var graphFieldCount = 0
            while let field = try reader.next() {
                graphFieldCount += 1
                guard graphFieldCount <= maxFields else { return false }
                if let wireType = graphFields[field.number], wireType != field.wireType { return false }
            }
            return true
        } catch {
            if case .unreadable = error { throw error }
            return false
        }
    }
}
