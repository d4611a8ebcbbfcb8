/// ``ONNXProbe`` over bytes that arrive in chunks and are not kept: an archive member too large to hold in memory
/// (``StreamedMemberScan``) is still recognised as an ONNX model by its field layout, as it would be on disk.
///
/// It walks the same structure the probe does, in one pass and constant memory: the top level as a
/// ModelProto (every field that ModelProto defines with its own wire type, lengths inside the member), and the top
/// level of each `graph` (7) as a GraphProto; payloads that are not walked are skipped by their length, so the
/// bytes of inline weights cost nothing. As in the probe, only the last graph decides, and the model needs
/// `ir_version` in 1…64 or an `opset_import`. Once the top level fails the member is not a model, and the
/// rest is ignored: random tensor bytes fail within a few fields.
struct ONNXStreamProbe {
    /// The member's size when the archive declares it; lengths must stay inside it.
    private let total: Int?
    /// Bytes consumed so far (the offset of the next byte).
    private(set) var position = 0
    /// The top level can no longer be a ModelProto.
    private(set) var failed = false
    private var irVersion = false
    private var opset = false
    private var sawGraph = false
    /// Whether the graph being walked (or the last one walked) parses as a GraphProto.
    private var graphValid = false
    /// Where the graph being walked ends; nil at the top level.
    private var graphEnd: Int?
    private var topFields = 0
    private var graphFields = 0
    private var step = Step.tag(Varint())

    private struct Varint {
        var value: UInt64 = 0
        var count = 0

        /// Adds one byte; nil while more are to come, `.success` at the last, `.failure` on overflow.
        mutating func add(_ byte: UInt8) -> Result<UInt64, Overflow>? {
            if count == 9 && byte > 1 { return .failure(Overflow()) }
            value |= UInt64(byte & 0x7F) << (7 * UInt64(count))
            count += 1
            return byte & 0x80 == 0 ? .success(value) : nil
        }

        struct Overflow: Error {}
    }

    private enum Step {
        /// Reading a field's tag.
        case tag(Varint)
        /// Reading a varint field's value.
        case value(number: Int, Varint)
        /// Reading a length-delimited field's length.
        case length(number: Int, Varint)
        /// Skipping payload or fixed-width bytes.
        case skip(Int)
    }

    init(declaredSize: Int?) {
        total = declaredSize
    }

    /// Takes the member's next bytes.
    mutating func consume(_ chunk: UnsafeRawBufferPointer) {
        var index = 0
        while index < chunk.count && !failed {
            if case .skip(let left) = step {
                let take = min(left, chunk.count - index)
                index += take
                position += take
                step = left == take ? .tag(Varint()) : .skip(left - take)
                closeGraphIfEnded()
                continue
            }
            take(chunk[index])
            index += 1
        }
        if failed { step = .skip(Int.max) }
    }

    /// Whether the member, now ended, is an ONNX model as ``ONNXProbe/isModel(_:)`` decides on a whole input.
    var isModel: Bool {
        guard !failed, position >= 4, graphEnd == nil, case .tag(let pending) = step, pending.count == 0 else {
            return false
        }
        return (irVersion || opset) && sawGraph && graphValid
    }

    private var end: Int { graphEnd ?? total ?? Int.max }

    private mutating func take(_ byte: UInt8) {
        if position >= end {
            // A graph's last field runs past the graph: the graph is invalid, and the byte is the top level's.
            fail()
            if failed { return }
        }
        position += 1
        switch step {
        case .tag(var varint):
            switch varint.add(byte) {
            case nil: step = .tag(varint)
            case .failure: fail()
            case .success(let tag): startField(number: tag >> 3, wireType: UInt8(tag & 7))
            }
        case .value(let number, var varint):
            switch varint.add(byte) {
            case nil: step = .value(number: number, varint)
            case .failure: fail()
            case .success(let value):
                if graphEnd == nil && number == 1 { irVersion = (1...64).contains(value) }
                step = .tag(Varint())
            }
        case .length(let number, var varint):
            switch varint.add(byte) {
            case nil: step = .length(number: number, varint)
            case .failure: fail()
            case .success(let length):
                guard length <= UInt64(end - position) else { return fail() }
                if graphEnd == nil && number == 7 {
                    (graphEnd, sawGraph, graphValid, graphFields) = (position + Int(length), true, true, 0)
                    step = .tag(Varint())
                } else {
                    step = length == 0 ? .tag(Varint()) : .skip(Int(length))
                }
            }
        case .skip:
            break
        }
        closeGraphIfEnded()
    }

    private mutating func startField(number: UInt64, wireType: UInt8) {
        guard number > 0, number <= 0x1FFF_FFFF else { return fail() }
        let inGraph = graphEnd != nil
        let expected = (inGraph ? ONNXProbe.graphFields : ONNXProbe.modelFields)[Int(number)]
        if let expected, expected != wireType { return fail() }
        if inGraph { graphFields += 1 } else { topFields += 1 }
        guard (inGraph ? graphFields : topFields) <= ONNXProbe.maxFields else { return fail() }
        if !inGraph && number == 8 { opset = true }
        switch wireType {
        case 0: step = .value(number: Int(number), Varint())
        case 1, 5:
            let width = wireType == 1 ? 8 : 4
            guard width <= end - position else { return fail() }
            step = .skip(width)
        case 2: step = .length(number: Int(number), Varint())
        default: fail()
        }
    }

    /// Back at the top level once the graph's last field has been read.
    private mutating func closeGraphIfEnded() {
        guard let graphEnd, position == graphEnd, case .tag(let pending) = step, pending.count == 0 else { return }
        self.graphEnd = nil
    }

    /// A failure inside a graph only makes that graph invalid (a later graph may replace it, as in the probe); the
    /// rest of its payload is skipped. At the top level the member is not a model.
    private mutating func fail() {
        if let graphEnd {
            graphValid = false
            self.graphEnd = nil
            step = graphEnd > position ? .skip(graphEnd - position) : .tag(Varint())
        } else {
            failed = true
        }
    }
}
