#if canImport(Glibc)
    import Glibc
#endif

/// Cheap content checks on a file's head, so recognising 155,000 files costs a scan of a few bytes each.
enum ByteSearch {
    /// Whether `needle` occurs in `haystack` (`memchr` for the first byte, then `memcmp`: recognising 11,000 cards
    /// by a byte loop was 2 % of reading a fleet).
    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        var pattern = needle
        guard !pattern.isEmpty else { return true }
        guard haystack.count >= pattern.utf8.count else { return false }
        return haystack.withUnsafeBufferPointer { text in
            pattern.withUTF8 { wanted in
                guard let base = text.baseAddress, let first = wanted.baseAddress else { return false }
                let last = text.count - wanted.count
                var offset = 0
                while offset <= last {
                    guard let hit = memchr(base + offset, Int32(first.pointee), last - offset + 1) else { return false }
                    let position = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + position, first, wanted.count) == 0 { return true }
                    offset = position + 1
                }
                return false
            }
        }
    }

    /// The first byte that is not whitespace (or a UTF-8 byte order mark).
    static func firstSignificant(_ bytes: [UInt8]) -> UInt8? {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte != 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D { return byte }
            index += 1
        }
        return nil
    }
}
