/// Decides whether bytes without a pickle `PROTO` header (protocol 0 and 1, or a header-less stream) are a pickle,
/// by walking their opcodes and the depth of the stack they build, without executing anything.
///
/// Text files often start with a byte that is also an opcode (`(`, `S`, `I`, `c`), and random tensor bytes reach a
/// `.` now and then, so neither the first byte nor a `STOP` alone proves a pickle. A stream counts as one when the
/// walk reaches `STOP` with exactly one value on a well-formed stack and the input ends there or goes on with more
/// such pickles, when it stays valid to the end of the probe
/// window (a large pickle), or when it imports something (`GLOBAL`, `INST`, `STACK_GLOBAL`) before it
/// breaks: `pickle.loads` runs whatever it imported before it meets the broken byte, so such a stream must be
/// scanned, fail closed.
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

    /// What an opcode does to the stack, as far as counting goes.
    private enum Effect {
        case stack(pops: Int, pushes: Int)
        case mark
        case popMark(needBelow: Int, pushes: Int)
        case pop
        case stop
        case nothing
    }

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
        var levels = [0]  // values above each mark, innermost last
        // Running out of bytes decides nothing by itself: the caller reads more, or calls a full window a pickle.
        var ranOut: Bool? { imported ? true : bytes.count < total ? nil : false }
        while position < bytes.count {
            let opcode = bytes[position]
            position += 1
            let (argument, effect) = describe(opcode)
            switch argument {
            case .invalid:
                return imported
            case .none:
                break
            case .fixed(let size):
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
                for line in 0..<count {
                    guard let end = bytes[position...].firstIndex(of: 0x0A) else {
                        // A GLOBAL or INST cut off inside its name at the very end of the input: a truncated
                        // import, which must be reported malformed, never passed as data.
                        // ("cat\n" alone, with nothing of a name after it, stays text.)
                        if line > 0 && (opcode == 0x63 || opcode == 0x69) && bytes.count >= total
                            && position < bytes.count
                        {
                            return true
                        }
                        return ranOut
                    }
                    guard accepts(bytes[position..<end], rule) else { return imported }
                    position = end + 1
                }
            }
            switch effect {
            case .nothing:
                break
            case .stop:
                guard levels == [1] else { return imported }
                if position >= total { return true }
                // Bytes after a STOP must be another pickle: a stray '.' in random numbers is followed by noise,
                // and a harmless first pickle followed by noise is nothing a loader would run.
                levels = [0]
            case .mark:
                levels.append(0)
            case .pop:
                if levels[levels.count - 1] > 0 {
                    levels[levels.count - 1] -= 1
                } else if levels.count > 1 {
                    levels.removeLast()
                } else {
                    return imported
                }
            case .stack(let pops, let pushes):
                guard levels[levels.count - 1] >= pops else { return imported }
                levels[levels.count - 1] += pushes - pops
            case .popMark(let needBelow, let pushes):
                guard levels.count > 1 else { return imported }
                levels.removeLast()
                guard levels[levels.count - 1] >= needBelow else { return imported }
                levels[levels.count - 1] += pushes
            }
            // Counted once the opcode proved valid where it stands. EXT1/2/4 are not imports here: they index
            // copyreg's extension registry, which is empty unless the loading program fills it.
            if opcode == 0x63 || opcode == 0x69 || opcode == 0x93 { imported = true }
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

    private static let push: Effect = .stack(pops: 0, pushes: 1)
    private static let replace: Effect = .stack(pops: 1, pushes: 1)

    // swift-format-ignore
    private static func describe(_ opcode: UInt8) -> (Argument, Effect) {
        switch opcode {
        case 0x28: return (.none, .mark)                                           // (  MARK
        case 0x2E: return (.none, .stop)                                           // .  STOP
        case 0x30: return (.none, .pop)                                            // 0  POP
        case 0x31: return (.none, .popMark(needBelow: 0, pushes: 0))               // 1  POP_MARK
        case 0x32: return (.none, .stack(pops: 1, pushes: 2))                      // 2  DUP
        case 0x4E, 0x7D, 0x5D, 0x29, 0x88, 0x89, 0x8F, 0x97: return (.none, push)  // N } ] ) NEWTRUE NEWFALSE …
        case 0x52, 0x61, 0x62, 0x81, 0x86, 0x93: return (.none, .stack(pops: 2, pushes: 1))  // R a b NEWOBJ TUPLE2 …
        case 0x73, 0x87, 0x92: return (.none, .stack(pops: 3, pushes: 1))         // s TUPLE3 NEWOBJ_EX
        case 0x51, 0x85, 0x94, 0x98: return (.none, replace)                       // Q TUPLE1 MEMOIZE READONLY
        case 0x64, 0x6C, 0x6F, 0x74, 0x91: return (.none, .popMark(needBelow: 0, pushes: 1))  // d l o t FROZENSET
        case 0x65, 0x75, 0x90: return (.none, .popMark(needBelow: 1, pushes: 0))  // e u ADDITEMS
        case 0x4B, 0x68: return (.fixed(1), push)                                  // K h
        case 0x71: return (.fixed(1), replace)                                     // q  BINPUT
        case 0x4D: return (.fixed(2), push)                                        // M
        case 0x4A, 0x6A: return (.fixed(4), push)                                  // J j
        case 0x72: return (.fixed(4), replace)                                     // r  LONG_BINPUT
        case 0x47: return (.fixed(8), push)                                        // G
        case 0x80: return (.fixed(1), .nothing)                                    // PROTO
        case 0x95: return (.fixed(8), .nothing)                                    // FRAME
        case 0x82: return (.fixed(1), push)                                        // EXT1
        case 0x83: return (.fixed(2), push)                                        // EXT2
        case 0x84: return (.fixed(4), push)                                        // EXT4
        case 0x55, 0x43, 0x8A, 0x8C: return (.counted(lengthBytes: 1), push)       // U C LONG1 SHORT_BINUNICODE
        case 0x54, 0x58, 0x42, 0x8B: return (.counted(lengthBytes: 4), push)       // T X B LONG4
        case 0x8D, 0x8E, 0x96: return (.counted(lengthBytes: 8), push)             // BINUNICODE8 BINBYTES8 BYTEARRAY8
        case 0x49, 0x4C, 0x67: return (.lines(1, .integer), push)                  // I L g
        case 0x70: return (.lines(1, .integer), replace)                           // p  PUT
        case 0x46: return (.lines(1, .float), push)                                // F
        case 0x53: return (.lines(1, .quoted), push)                               // S
        case 0x56, 0x50: return (.lines(1, .any), push)                            // V P
        case 0x63: return (.lines(2, .name), push)                                 // c  GLOBAL
        case 0x69: return (.lines(2, .name), .popMark(needBelow: 0, pushes: 1))    // i  INST
        default: return (.invalid, .nothing)
        }
    }
}
