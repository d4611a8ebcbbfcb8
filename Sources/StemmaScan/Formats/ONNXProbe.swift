/// Recognises an ONNX `ModelProto` by its field layout, whatever the file is called: `onnx.load` and ONNX
/// Runtime take any path.
///
/// Protobuf has no magic number and random bytes often parse as a few fields, so the probe asks for what a
/// loadable model must have and nothing a model cannot: the whole top level parses, every field number is one
/// ModelProto defines with its wire type, `ir_version` (1, varint) is present and plausible (1…64), and there is
/// a `graph` (7) whose own top level parses as a GraphProto. A file that passes is then checked in full by
/// ``ONNXCheck``; a random protobuf fails on the first unknown field or wrong wire type.
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
        // The first field of every serialised ModelProto is ir_version (the C++ and Python writers emit fields
        // in number order): a cheap test that rejects almost every other file at once.
        guard try input.bytesForProbe(count: 1) == [0x08] else { return false }
        var model = ProtobufReader(InputWindow(input))
        var irVersion: UInt64?
        var graph: ProtobufReader.Field?
        var fields = 0
        do {
            while let field = try model.next() {
                fields += 1
                guard fields <= maxFields, modelFields[field.number] == field.wireType else { return false }
                if field.number == 1 { irVersion = field.scalar }
                if field.number == 7 { graph = field }
            }
        } catch {
            if case .unreadable = error { throw error }
            return false
        }
        guard let irVersion, (1...64).contains(irVersion), let graph else { return false }
        do {
            var reader = try model.message(graph)
            var graphFieldCount = 0
            while let field = try reader.next() {
                graphFieldCount += 1
                guard graphFieldCount <= maxFields, graphFields[field.number] == field.wireType else { return false }
            }
            return true
        } catch {
            if case .unreadable = error { throw error }
            return false
        }
    }
}

extension ScanInput {
    /// The first `count` bytes, with a read error as a ``FormatFailure``.
    fileprivate func bytesForProbe(count: Int) throws(FormatFailure) -> [UInt8] {
        do { return try bytes(at: 0, count: count) } catch { throw .unreadable(error) }
    }
}
