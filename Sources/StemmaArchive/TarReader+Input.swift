import StemmaCore

/// Reading the decompressed stream: whole blocks, exact byte counts, skips and streamed data, each bounded.
extension TarReader {
    /// Makes sure unread bytes are buffered; false at the end of the stream.
    func fill() throws(StemmaError) -> Bool {
        if start < end { return true }
        start = 0
        end = try stream.read(into: buffer)
        let produced = stream.produced
        guard produced <= limits.maxTotalBytes else {
            throw StemmaError(.limitExceeded, "'\(path)' expands past the limit of \(limits.maxTotalBytes) bytes")
        }
        try checkRatio(produced)
        return end > start
    }

    private func checkRatio(_ total: Int64) throws(StemmaError) {
        let (ceiling, overflow) = stream.fileSize.multipliedReportingOverflow(by: limits.maxExpansionRatio)
        if total > limits.ratioFloorBytes, !overflow, total > ceiling {
            throw StemmaError(
                .limitExceeded,
                "'\(path)' expands more than \(limits.maxExpansionRatio) times its size (\(stream.fileSize) bytes "
                    + "to over \(total)); it looks like a decompression bomb")
        }
    }

    private func truncated() -> StemmaError {
        StemmaError(.archive, "'\(path)' is truncated: it ends inside a member or header at offset \(offset)")
    }

    /// The next 512-byte block, or nil when the stream ends exactly here.
    func readBlock() throws(StemmaError) -> [UInt8]? {
        guard try fill() else { return nil }
        return try readExactly(TarHeader.blockSize)
    }

    /// Exactly `count` bytes (callers bound `count`).
    func readExactly(_ count: Int) throws(StemmaError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            guard try fill() else { throw truncated() }
            let take = min(count - bytes.count, end - start)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + take)]))
            start += take
            offset += Int64(take)
        }
        return bytes
    }

    /// Skips `count` bytes.
    func skip(_ count: Int64) throws(StemmaError) {
        var remaining = count
        while remaining > 0 {
            guard try fill() else { throw truncated() }
            let take = Int(min(remaining, Int64(end - start)))
            start += take
            offset += Int64(take)
            remaining -= Int64(take)
        }
    }

    /// Hands the next `count` bytes to `body` in chunks of at most 64 KiB.
    func stream(_ count: Int64, _ body: (UnsafeRawBufferPointer) -> Void) throws(StemmaError) {
        var remaining = count
        while remaining > 0 {
            guard try fill() else { throw truncated() }
            let take = Int(min(remaining, Int64(end - start)))
            try account(Int64(take))
            body(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + take)]))
            start += take
            offset += Int64(take)
            remaining -= Int64(take)
        }
    }

    /// Hands `count` zero bytes (a sparse hole) to `body` from a fixed buffer.
    func emitZeros(_ count: Int64, _ body: (UnsafeRawBufferPointer) -> Void) throws(StemmaError) {
        var remaining = count
        while remaining > 0 {
            let chunk = Int(min(remaining, Int64(Self.zeros.count)))
            try account(Int64(chunk))
            Self.zeros.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[0..<chunk])) }
            remaining -= Int64(chunk)
        }
    }

    /// Counts member bytes (holes included) against the total and the expansion ratio.
    private func account(_ count: Int64) throws(StemmaError) {
        emitted += count
        guard emitted <= limits.maxTotalBytes else {
            throw StemmaError(.limitExceeded, "'\(path)' expands past the limit of \(limits.maxTotalBytes) bytes")
        }
        try checkRatio(emitted)
    }
}
