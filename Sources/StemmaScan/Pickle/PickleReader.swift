import StemmaCore

/// A forward cursor over a ``ScanInput`` through one reused window, so a pickle of any size is read without
/// copying it: opcode arguments come from the window, and large payloads are skipped by moving the position.
///
/// The window is owned by the caller (``PickleScanner`` allocates it once per scan and frees it afterwards);
/// the reader itself is a plain struct so the VM's hot loop pays no reference counting or exclusivity checks.
struct PickleReader {
    let input: ScanInput
    private let window: UnsafeMutableRawBufferPointer
    /// Input offset of `window[0]`.
    private var windowStart = 0
    /// Valid bytes in the window.
    private var windowCount = 0
    /// Input offset of the next byte to read.
    private(set) var position: Int

    /// The input's size: nothing is read at or past it.
    var end: Int { input.count }
    var remaining: Int { input.count - position }

    init(input: ScanInput, window: UnsafeMutableRawBufferPointer, position: Int = 0) {
        self.input = input
        self.window = window
        self.position = position
    }

    /// Makes `count` bytes from the position readable in the window (count ≤ window size), or throws truncated.
    @inline(__always)
    private mutating func ensure(_ count: Int) throws(PickleFault) {
        if position >= windowStart && position + count <= windowStart + windowCount { return }
        try refill(count)
    }

    private mutating func refill(_ count: Int) throws(PickleFault) {
        guard count <= window.count, count <= input.count - position else { throw .truncated }
        let got: Int
        do { got = try input.read(at: position, into: window) } catch { throw .unreadable(error.message) }
        windowStart = position
        windowCount = got
        guard got >= count else { throw .truncated }
    }

    /// One byte.
    @inline(__always)
    mutating func byte() throws(PickleFault) -> UInt8 {
        try ensure(1)
        let value = window.load(fromByteOffset: position - windowStart, as: UInt8.self)
        position += 1
        return value
    }

    /// Whether the next bytes are a protocol 0–5 header (`\x80` and the protocol), without consuming them.
    mutating func atPickleHeader() -> Bool {
        guard input.count - position >= 2, (try? ensure(2)) != nil else { return false }
        let base = position - windowStart
        return window.load(fromByteOffset: base, as: UInt8.self) == 0x80
            && window.load(fromByteOffset: base + 1, as: UInt8.self) <= 5
    }

    /// A little-endian unsigned integer of `width` bytes (1, 2, 4 or 8).
    @inline(__always)
    mutating func unsigned(_ width: Int) throws(PickleFault) -> UInt64 {
        try ensure(width)
        var value: UInt64 = 0
        let base = position - windowStart
        for index in 0..<width {
            value |= UInt64(window.load(fromByteOffset: base + index, as: UInt8.self)) << (8 * index)
        }
        position += width
        return value
    }

    /// Skips `count` bytes of payload, which must all be in the input.
    @inline(__always)
    mutating func skip(_ count: Int) throws(PickleFault) {
        guard count >= 0, count <= input.count - position else { throw .truncated }
        position += count
    }

    /// Skips `count` bytes that must be UTF-8 as CPython decodes pickled `str` (`surrogatepass`: encoded
    /// surrogates are accepted); false when they are not. Reads through the window, whatever the size.
    mutating func skipUTF8(_ count: Int) throws(PickleFault) -> Bool {
        guard count >= 0, count <= input.count - position else { throw .truncated }
        var validator = UTF8Validator()
        var left = count
        while left > 0 {
            let chunk = min(left, window.count)
            try ensure(chunk)
            let base = position - windowStart
            guard validator.feed(UnsafeRawBufferPointer(rebasing: window[base..<base + chunk])) else { return false }
            position += chunk
            left -= chunk
        }
        return validator.isComplete
    }

    /// Calls `body` with the next `count` bytes (at most the window size) without consuming them.
    mutating func withBytes<Result>(
        _ count: Int, _ body: (UnsafeRawBufferPointer) -> Result
    ) throws(PickleFault) -> Result {
        try ensure(count)
        let base = position - windowStart
        return body(UnsafeRawBufferPointer(rebasing: window[base..<base + count]))
    }

    /// The byte at an absolute offset when it is still in the window (no read), else nil.
    func bufferedByte(at offset: Int) -> UInt8? {
        guard offset >= windowStart, offset < windowStart + windowCount else { return nil }
        return window.load(fromByteOffset: offset - windowStart, as: UInt8.self)
    }

    /// Reads a line up to and including `\n`; returns its first `keep` bytes (without the newline) and its full
    /// length. A line that reaches the end of the input without a newline is truncated data, as in `_pickle.c`.
    mutating func line(keep: Int) throws(PickleFault) -> (bytes: [UInt8], length: Int) {
        var kept: [UInt8] = []
        var length = 0
        while true {
            if position >= windowStart + windowCount || position < windowStart {
                guard position < input.count else { throw .truncated }
                try refill(1)
            }
            let base = position - windowStart
            let available = windowCount - base
            let start = window.baseAddress! + base
            let found = memchr(start, 0x0A, available)
            let chunk = found.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? available
            if kept.count < keep {
                let take = min(chunk, keep - kept.count)
                kept.append(contentsOf: UnsafeRawBufferPointer(start: start, count: take))
            }
            length += chunk
            position += chunk
            if found != nil {
                position += 1
                return (kept, length)
            }
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
