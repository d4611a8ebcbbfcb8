import StemmaCore

/// Why a format check stopped early: the bytes break the format, a bound was reached, or the file could not be
/// read. Every case becomes one finding that keeps the file from being reported safe.
enum FormatFailure: Error {
    /// The bytes break the format; `offset` is where, when known.
    case malformed(String, offset: Int?)
    /// A scan bound was reached before the structure was fully checked.
    case incomplete(String)
    /// The input could not be read.
    case unreadable(StemmaError)

    static func malformed(_ reason: String) -> FormatFailure { .malformed(reason, offset: nil) }

    /// The finding this failure implies, with `format` naming what was being parsed (`safetensors`, `GGUF`).
    func finding(_ format: String) -> ScanFinding {
        switch self {
        case .malformed(let reason, let offset):
            return ScanFinding(
                .scanMalformed, .malformed, "The \(format) structure is malformed: \(reason).",
                evidence: ScanEvidence(offset: offset, detail: reason))
        case .incomplete(let reason):
            return ScanFinding(
                .scanIncomplete, .malformed, "The \(format) scan stopped at a limit: \(reason).",
                evidence: ScanEvidence(detail: reason))
        case .unreadable(let error):
            return ScanFinding(
                .scanUnreadable, .malformed, "The \(format) file could not be read: \(error).",
                evidence: ScanEvidence(detail: "\(error)"))
        }
    }
}

/// Sequential and random reads through a ``ScanInput`` with one small reused window, so that parsers can walk a
/// header byte by byte without bringing the file (or a length it claims) into memory.
final class InputWindow {
    let input: ScanInput
    private var window: [UInt8] = []
    private var windowStart = 0
    private let windowSize: Int

    init(_ input: ScanInput, windowSize: Int = 64 << 10) {
        self.input = input
        self.windowSize = windowSize
    }

    /// The number of bytes in the input.
    var count: Int { input.count }

    /// The byte at `offset`, or nil past the end.
    func byte(at offset: Int) throws(FormatFailure) -> UInt8? {
        guard offset >= 0, offset < input.count else { return nil }
        if offset < windowStart || offset >= windowStart + window.count { try refill(at: offset) }
        let index = offset - windowStart
        return index < window.count ? window[index] : nil
    }

    /// Exactly `count` bytes at `offset`, or a malformed failure when the input ends first. Callers bound
    /// `count` before asking; the read itself never allocates more than the bytes present.
    func bytes(at offset: Int, count: Int) throws(FormatFailure) -> [UInt8] {
        guard count >= 0, offset >= 0, offset <= input.count, count <= input.count - offset else {
            throw .malformed("\(count) bytes at \(offset) run past the end (\(input.count) bytes)", offset: offset)
        }
        if count == 0 { return [] }
        if offset >= windowStart, offset + count <= windowStart + window.count {
            return Array(window[(offset - windowStart)..<(offset - windowStart + count)])
        }
        let result: [UInt8]
        do { result = try input.bytes(at: offset, count: count) } catch { throw .unreadable(error) }
        guard result.count == count else { throw .malformed("the file ended early", offset: offset) }
        return result
    }

    private func refill(at offset: Int) throws(FormatFailure) {
        do { window = try input.bytes(at: offset, count: windowSize) } catch { throw .unreadable(error) }
        windowStart = offset
    }
}

/// A little-endian (or big-endian) reader of fixed-width integers on top of an ``InputWindow``.
struct InputCursor {
    let window: InputWindow
    var offset: Int
    var bigEndian = false

    init(_ window: InputWindow, offset: Int = 0, bigEndian: Bool = false) {
        self.window = window
        self.offset = offset
        self.bigEndian = bigEndian
    }

    var remaining: Int { max(0, window.count - offset) }

    mutating func readUInt8() throws(FormatFailure) -> UInt8 {
        guard let byte = try window.byte(at: offset) else { throw .malformed("the file ended early", offset: offset) }
        offset += 1
        return byte
    }

    mutating func readUInt32() throws(FormatFailure) -> UInt32 { UInt32(truncatingIfNeeded: try readInteger(4)) }

    mutating func readUInt64() throws(FormatFailure) -> UInt64 { try readInteger(8) }

    mutating func readInteger(_ width: Int) throws(FormatFailure) -> UInt64 {
        guard width <= remaining else { throw .malformed("the file ended early", offset: offset) }
        var value: UInt64 = 0
        for index in 0..<width {
            let position = offset + (bigEndian ? index : width - 1 - index)
            guard let byte = try window.byte(at: position) else {
                throw .malformed("the file ended early", offset: offset)
            }
            value = value << 8 | UInt64(byte)
        }
        offset += width
        return value
    }

    /// Skips `count` bytes, failing when fewer remain.
    mutating func skip(_ count: UInt64) throws(FormatFailure) {
        guard count <= UInt64(remaining) else {
            throw .malformed("a length of \(count) bytes runs past the end of the file", offset: offset)
        }
        offset += Int(count)
    }

    /// Reads `count` bytes, failing when fewer remain.
    mutating func readBytes(_ count: UInt64) throws(FormatFailure) -> [UInt8] {
        guard count <= UInt64(remaining) else {
            throw .malformed("a length of \(count) bytes runs past the end of the file", offset: offset)
        }
        let bytes = try window.bytes(at: offset, count: Int(count))
        offset += Int(count)
        return bytes
    }
}
