/// Why the VM stopped before the end of a pickle. Each one becomes a `scan.malformed` or `scan.incomplete`
/// finding; findings made before it are kept.
enum PickleFault: Error, Equatable {
    /// The data ends inside an opcode or its argument.
    case truncated
    /// A byte that is not a pickle opcode.
    case invalidOpcode(UInt8)
    /// An argument that `_pickle.c` would reject (a bad integer line, a negative length, an unquoted string).
    case badArgument(String)
    /// An opcode needs more values than the stack holds above the last MARK.
    case stackUnderflow
    /// An opcode needs a MARK and there is none.
    case missingMark
    /// GET of a memo key that was never PUT.
    case missingMemo(Int)
    /// Something `_pickle.c` rejects at run time (STOP on an empty stack, an odd number of dict items).
    case invalid(String)
    /// The input could not be read.
    case unreadable(String)
    /// A scan limit was reached.
    case limit(String)

    /// A sentence for the finding.
    var message: String {
        switch self {
        case .truncated: return "the pickle data ends inside an opcode"
        case .invalidOpcode(let byte):
            let hex = String(byte, radix: 16, uppercase: true)
            return "invalid opcode 0x\(hex.count == 1 ? "0" + hex : hex)"
        case .badArgument(let what): return "bad opcode argument: \(what)"
        case .stackUnderflow: return "stack underflow"
        case .missingMark: return "an opcode needs a MARK and there is none"
        case .missingMemo(let key): return "memo key \(key) was never stored"
        case .invalid(let what): return what
        case .unreadable(let what): return "the input could not be read: \(what)"
        case .limit(let what): return "scan limit reached: \(what)"
        }
    }
}
