import StemmaCore

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

    /// The `width`-byte integer at `offset` (at most 8 bytes), or nil when the input ends first.
    func integer(at offset: Int, width: Int, bigEndian: Bool) throws(FormatFailure) -> UInt64? {
        guard width <= 8, offset >= 0, offset <= input.count - width else { return nil }
        if offset < windowStart || offset + width > windowStart + window.count { try refill(at: offset) }
        let base = offset - windowStart
        guard base + width <= window.count else { return nil }
        var value: UInt64 = 0
        for index in 0..<width {
            value = value << 8 | UInt64(window[base + (bigEndian ? index : width - 1 - index)])
        }
        return value
    }

    private func refill(at offset: Int) throws(FormatFailure) {
        do { window = try input.bytes(at: offset, count: windowSize) } catch { throw .unreadable(error) }
        windowStart = offset
    }
}
