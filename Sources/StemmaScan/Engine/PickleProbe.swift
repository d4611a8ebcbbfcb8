/// Decides whether bytes without a pickle `PROTO` header (protocol 0 and 1, or a header-less stream) are a pickle,
/// by walking their opcodes without executing anything.
///
/// Text files often start with a byte that is also an opcode (`(`, `S`, `I`, `c`), so the first byte alone would
/// call every README a pickle. A stream counts as a pickle when the walk reaches `STOP`, when it stays valid to the
/// end of the probe window (a large pickle), or when it imports something (`GLOBAL`, `INST`, `STACK_GLOBAL`, `EXT*`)
/// before it breaks: `pickle.loads` runs whatever it imported before it meets the broken byte, so such a stream
/// must be scanned, fail closed.
enum PickleProbe {
    /// How many bytes the probe walks.
    static let window = 64 << 10

    private enum Argument {
        case none
        case fixed(Int)
        case counted(lengthBytes: Int)
        case lines(Int, LineRule)
        case invalid
    }

    private enum LineRule { case integer, float, quoted, any, name }

    /// Whether `bytes` (the first bytes of an input of `total` bytes) look like a pickle, as described above; nil
    /// when they are too few to tell and more of the input (up to ``window``) should be read.
    static func isPickle(_ bytes: [UInt8], total: Int) -> Bool? {
        let verdict = walk(bytes, total: total)
        if verdict == nil && bytes.count >= min(window, total) { return true }
        return verdict
    }

    /// The walk; nil when it ran out of bytes while the stream was still valid.
    private static func walk(_ bytes: [UInt8], total: Int) -> Bool? {
        var position = 0
        var imported = false
        // Running out of bytes decides nothing by itself: the caller reads more, or calls a full window a pickle.
        var ranOut: Bool? { imported ? true : bytes.count < total ? nil : false }
        while position < bytes.count {
            let opcode = bytes[position]
            position += 1
            switch argument(of: opcode) {
            case .invalid:
                return imported
            case .none:
                if opcode == UInt8(ascii: ".") { return true }
                if opcode == 0x93 { imported = true }
            case .fixed(let size):
                if opcode >= 0x82 && opcode <= 0x84 { imported = true }
                position += size
            case .counted(let lengthBytes):
                guard position + lengthBytes <= bytes.count else { return ranOut }
                var length: UInt64 = 0
                for index in 0..<lengthBytes { length |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
                position += lengthBytes
                // BINSTRING's length is signed; anything past the whole input cannot be a complete pickle.
                if opcode == UInt8(ascii: "T") && length >= 0x8000_0000 { return imported }
                guard length <= UInt64(total - min(total, position)) else { return imported }
                position += Int(length)
            case .lines(let count, let rule):
                for _ in 0..<count {
                    guard let end = bytes[position...].firstIndex(of: 0x0A) else { return ranOut }
                    guard accepts(bytes[position..<end], rule) else { return imported }
                    position = end + 1
                }
                if opcode == UInt8(ascii: "c") || opcode == UInt8(ascii: "i") { imported = true }
            }
        }
        // The window ended inside a valid stream: too long to be text that happens to parse, so scan it.
        return ranOut
    }

    private static func accepts(_ line: ArraySlice<UInt8>, _ rule: LineRule) -> Bool {
        switch rule {
        case .any:
            return true
        case .integer:
            let body = line.last == UInt8(ascii: "L") ? line.dropLast() : line
            return !body.isEmpty && body.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2B }
        case .float:
            return !line.isEmpty && line.allSatisfy { Array("0123456789+-.eEinfaINFA".utf8).contains($0) }
        case .quoted:
            return line.first == UInt8(ascii: "'") || line.first == UInt8(ascii: "\"")
        case .name:
            return !line.isEmpty && line.allSatisfy { $0 > 0x20 && $0 != 0x7F }
        }
    }

    private static func argument(of opcode: UInt8) -> Argument {
        switch opcode {
        case UInt8(ascii: "("), UInt8(ascii: "."), UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "2"),
            UInt8(ascii: "N"), UInt8(ascii: "R"), UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "d"),
            UInt8(ascii: "}"), UInt8(ascii: "e"), UInt8(ascii: "l"), UInt8(ascii: "]"), UInt8(ascii: "o"),
            UInt8(ascii: "s"), UInt8(ascii: "u"), UInt8(ascii: "t"), UInt8(ascii: ")"), UInt8(ascii: "Q"),
            0x81, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x97, 0x98:
            return .none
        case UInt8(ascii: "K"), UInt8(ascii: "h"), UInt8(ascii: "q"), 0x80, 0x82: return .fixed(1)
        case UInt8(ascii: "M"), 0x83: return .fixed(2)
        case UInt8(ascii: "J"), UInt8(ascii: "j"), UInt8(ascii: "r"), 0x84: return .fixed(4)
        case UInt8(ascii: "G"), 0x95: return .fixed(8)
        case UInt8(ascii: "U"), UInt8(ascii: "C"), 0x8A, 0x8C: return .counted(lengthBytes: 1)
        case UInt8(ascii: "T"), UInt8(ascii: "X"), UInt8(ascii: "B"), 0x8B: return .counted(lengthBytes: 4)
        case 0x8D, 0x8E, 0x96: return .counted(lengthBytes: 8)
        case UInt8(ascii: "I"), UInt8(ascii: "L"), UInt8(ascii: "p"), UInt8(ascii: "g"): return .lines(1, .integer)
        case UInt8(ascii: "F"): return .lines(1, .float)
        case UInt8(ascii: "S"): return .lines(1, .quoted)
        case UInt8(ascii: "V"), UInt8(ascii: "P"): return .lines(1, .any)
        case UInt8(ascii: "c"), UInt8(ascii: "i"): return .lines(2, .name)
        default: return .invalid
        }
    }
}
