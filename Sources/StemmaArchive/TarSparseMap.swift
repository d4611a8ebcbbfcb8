import StemmaCore

/// The map of a sparse tar member: which ranges of the file are stored, in order; the rest are holes.
///
/// Readers lay the stored bytes out by seeking to each offset in turn, so a map whose ranges overlap, run
/// backwards, pass the file's size or do not add up to the stored bytes would give different files in different
/// readers: all of these are refused.
struct TarSparseMap {
    var ranges: [(offset: Int64, length: Int64)] = []
    /// The size of the file, holes included.
    var realSize: Int64

    /// Checks the map against the number of stored bytes.
    /// - Returns: nil, or what is wrong with it.
    func problem(storedBytes: Int64) -> String? {
        guard realSize >= 0 else { return "declares a negative size" }
        var end: Int64 = 0
        var sum: Int64 = 0
        for range in ranges {
            guard range.offset >= end, range.length >= 0 else {
                return "has sparse ranges that overlap or run backwards at offset \(range.offset)"
            }
            let (rangeEnd, overflow) = range.offset.addingReportingOverflow(range.length)
            guard !overflow, rangeEnd <= realSize else {
                return "has a sparse range past its size of \(realSize) bytes"
            }
            end = rangeEnd
            sum += range.length
        }
        guard sum == storedBytes else {
            return "has a sparse map covering \(sum) bytes but stores \(storedBytes)"
        }
        // GNU tar reads each region's data from a fresh 512-byte block; Python's tarfile and libarchive read the
        // regions back to back. They agree only when every region but the last one holding data fills whole
        // blocks (as every archive GNU tar writes does: holes are found block by block).
        if let lastData = ranges.lastIndex(where: { $0.length > 0 }),
            let unaligned = ranges[..<lastData].first(where: { $0.length % 512 != 0 })
        {
            return
                "has a \(unaligned.length)-byte sparse region at offset \(unaligned.offset) that does not fill whole "
                + "blocks: GNU tar reads the next region from the next block, Python's tarfile and libarchive right "
                + "after it"
        }
        // A file that ends in a hole needs a closing entry at its size: without one GNU tar writes a shorter file
        // than Python's tarfile and libarchive, which extend it to the declared size.
        guard end == realSize else {
            return "ends in a hole at offset \(end) with no closing entry at its size of \(realSize) bytes: GNU tar "
                + "writes a shorter file than Python's tarfile and libarchive"
        }
        return nil
    }

    /// Reads up to `count` old-GNU map entries (offset and length, 12 bytes each) from `bytes`.
    ///
    /// GNU tar stops at the first entry whose length field starts with NUL and reads at most one more extension
    /// block; Python's `tarfile` reads every entry and every block the flags announce. So once the list has
    /// `ended`, every later entry must be empty (and the caller refuses further extension blocks). In an extension
    /// block Python drops entries at offset 0, so a stored range there is refused too.
    /// - Returns: false when an entry cannot be read the same way by every reader.
    static func readGNUEntries(
        _ bytes: ArraySlice<UInt8>, count: Int, inExtension: Bool, ended: inout Bool, into map: inout TarSparseMap
    ) -> Bool {
        for index in 0..<count {
            let start = bytes.startIndex + index * 24
            let offsetField = bytes[start..<(start + 12)]
            let lengthField = bytes[(start + 12)..<(start + 24)]
            if ended || lengthField.first == 0 {
                guard offsetField.allSatisfy({ $0 == 0 }), lengthField.allSatisfy({ $0 == 0 }) else { return false }
                ended = true
                continue
            }
            guard let offset = TarHeader.number(offsetField), let length = TarHeader.number(lengthField) else {
                return false
            }
            if inExtension && offset == 0 && length > 0 { return false }
            map.ranges.append((offset, length))
        }
        return true
    }

    /// Parses the text map that GNU sparse format 1.0 stores at the start of a member's data: a count, then that
    /// many offset and length pairs, one decimal number a line.
    ///
    /// - Parameter nextBlock: returns the next 512 bytes of the member's data, or nil when there are none.
    /// - Returns: the map and the number of bytes (whole blocks) it took, or what is wrong with it.
    static func readPaxMap(
        realSize: Int64, maxEntries: Int, nextBlock: () throws(StemmaError) -> [UInt8]?
    ) throws(StemmaError) -> Result<(map: TarSparseMap, bytes: Int64), FormatProblem> {
        var map = TarSparseMap(realSize: realSize)
        var numbers: [Int64] = []
        var expected: Int?
        var current: Int64 = 0
        var digits = 0
        var used: Int64 = 0
        while expected.map({ numbers.count < 1 + 2 * $0 }) ?? true {
            guard let block = try nextBlock() else {
                return .failure(FormatProblem("has a sparse map longer than its data"))
            }
            used += 512
            for byte in block {
                if expected.map({ numbers.count >= 1 + 2 * $0 }) ?? false { break }
                if byte == UInt8(ascii: "\n") {
                    guard digits > 0 else { return .failure(FormatProblem("has an empty line in its sparse map")) }
                    numbers.append(current)
                    if numbers.count == 1 {
                        guard current <= Int64(maxEntries) else {
                            return .failure(
                                FormatProblem("has a sparse map of \(current) ranges, over the limit of \(maxEntries)"))
                        }
                        expected = Int(current)
                    }
                    current = 0
                    digits = 0
                } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9"), digits < 18 {
                    current = current * 10 + Int64(byte - UInt8(ascii: "0"))
                    digits += 1
                } else {
                    return .failure(FormatProblem("has a sparse map with a character that is not a digit"))
                }
            }
        }
        var index = 1
        while index + 1 < numbers.count {
            map.ranges.append((numbers[index], numbers[index + 1]))
            index += 2
        }
        return .success((map, used))
    }
}
