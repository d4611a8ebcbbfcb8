internal import CZlib
public import StemmaCore

/// Streams a zip member's bytes: stored data as it is, deflate through zlib, in fixed 256 KiB chunks, so memory
/// stays flat whatever the member claims. It reports how the data ended, so a caller can tell when readers would
/// see different bytes (a deflate stream that ends early or runs long, a wrong CRC).
public enum ZipMemberReader {
    /// How reading a member's data ended.
    public struct Outcome: Sendable {
        /// Uncompressed bytes handed out.
        public var bytes = 0
        /// The CRC-32 of the bytes handed out.
        public var crc: UInt32 = 0
        /// The output reached the caller's bound before the data ended.
        public var reachedLimit = false
        /// Why the data could not be read to its end (corrupt deflate data, the file ends early), if so.
        public var failure: String?
        /// Compressed bytes left after the deflate stream ended.
        public var unusedInput = 0

        /// The ambiguities this outcome shows for `member` (read with a bound above its declared size): readers
        /// that stop at the declared size, at the end of the stream, or at a CRC check see different bytes.
        /// - Parameter checkCRC: false when the caller reports CRC errors its own way.
        public func ambiguities(for member: ZipMember, checkCRC: Bool = true) -> [ZipAmbiguity] {
            let name = ArchivePath.display(member.rawName)
            var found: [ZipAmbiguity] = []
            if let failure {
                found.append(ZipAmbiguity(.memberData, member: name, "its data cannot be read to its end: \(failure)"))
            }
            if reachedLimit {
                found.append(
                    ZipAmbiguity(
                        .memberData, member: name,
                        "it inflates to more than its declared \(member.uncompressedSize) bytes (zipfile stops at "
                            + "the declared size, unzip does not)"))
            } else if failure == nil, bytes != member.uncompressedSize {
                found.append(
                    ZipAmbiguity(
                        .memberData, member: name, "it holds \(bytes) bytes, its records say \(member.uncompressedSize)"
                    ))
            }
            if unusedInput > 0 {
                found.append(
                    ZipAmbiguity(
                        .memberData, member: name,
                        "its deflate stream ends \(unusedInput) bytes before its compressed size does"))
            }
            if checkCRC, failure == nil, !reachedLimit, crc != member.crc {
                found.append(
                    ZipAmbiguity(
                        .memberData, member: name,
                        "its CRC-32 does not match its bytes (zipfile refuses it, unzip extracts it with a warning)"))
            }
            return found
        }
    }

    private static let chunk = 256 << 10

    /// Streams `member`'s data (stored or deflate) from `source` to `body`, at most `maxOutput` bytes.
    /// - Throws: ``StemmaError`` `.unsupported` for another compression method or an encrypted member, `.io`
    ///   when the source cannot be read, or whatever `body` throws.
    public static func stream(
        _ member: ZipMember, from source: some ZipByteSource, maxOutput: Int,
        _ body: (UnsafeRawBufferPointer) throws(StemmaError) -> Void
    ) throws(StemmaError) -> Outcome {
        guard !member.isEncrypted else { throw StemmaError(.unsupported, "the member is encrypted") }
        guard let offset = member.dataOffset else {
            throw StemmaError(.malformedInput, "the member has no readable local header")
        }
        return try stream(
            from: source, offset: offset, count: member.compressedSize, method: member.method, maxOutput: maxOutput,
            body)
    }

    /// Streams `count` bytes at `offset` of `source`, stored (method 0) or raw deflate (method 8), to `body`.
    /// - Throws: ``StemmaError`` `.unsupported` for another method, `.io` when the source cannot be read, or
    ///   whatever `body` throws.
    public static func stream(
        from source: some ZipByteSource, offset: Int, count: Int, method: UInt16, maxOutput: Int,
        _ body: (UnsafeRawBufferPointer) throws(StemmaError) -> Void
    ) throws(StemmaError) -> Outcome {
        switch method {
        case 0: return try copy(source, offset: offset, count: count, maxOutput: maxOutput, body)
        case 8: return try inflate(source, offset: offset, count: count, maxOutput: maxOutput, body)
        default:
            throw StemmaError(
                .unsupported, "compression method \(method) is not supported (only stored and deflate are)")
        }
    }

    private static func copy(
        _ source: some ZipByteSource, offset: Int, count: Int, maxOutput: Int,
        _ body: (UnsafeRawBufferPointer) throws(StemmaError) -> Void
    ) throws(StemmaError) -> Outcome {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        var outcome = Outcome()
        var done = 0
        while done < count {
            let room = maxOutput - outcome.bytes
            guard room > 0 else {
                outcome.reachedLimit = true
                break
            }
            let want = min(chunk, count - done, room)
            let got = try source.read(
                at: offset + done, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            guard got > 0 else {
                outcome.failure = "the file ends inside the member's data"
                break
            }
            let piece = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            outcome.crc = ZipChecksum.update(outcome.crc, piece)
            try body(piece)
            outcome.bytes += got
            done += got
        }
        return outcome
    }

    private static func inflate(
        _ source: some ZipByteSource, offset: Int, count: Int, maxOutput: Int,
        _ body: (UnsafeRawBufferPointer) throws(StemmaError) -> Void
    ) throws(StemmaError) -> Outcome {
        var outcome = Outcome()
        var stream = z_stream()
        guard CZlib_inflateInit2(&stream, -MAX_WBITS) == Z_OK else {
            outcome.failure = "zlib did not start"
            return outcome
        }
        defer { inflateEnd(&stream) }
        let input = UnsafeMutableBufferPointer<Bytef>.allocate(capacity: chunk)
        let output = UnsafeMutableBufferPointer<Bytef>.allocate(capacity: chunk)
        defer {
            input.deallocate()
            output.deallocate()
        }
        var readOffset = offset
        var inputLeft = count
        var available = 0
        var position = 0
        while true {
            if position == available {
                guard inputLeft > 0 else {
                    outcome.failure = "the deflate stream does not end within the member's compressed size"
                    break
                }
                let want = min(chunk, inputLeft)
                let got = try source.read(
                    at: readOffset,
                    into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: input[0..<want])))
                guard got > 0 else {
                    outcome.failure = "the file ends inside the member's data"
                    break
                }
                readOffset += got
                inputLeft -= got
                available = got
                position = 0
            }
            stream.next_in = input.baseAddress! + position
            stream.avail_in = uInt(available - position)
            stream.next_out = output.baseAddress!
            stream.avail_out = uInt(output.count)
            let status = CZlib.inflate(&stream, Z_NO_FLUSH)
            let consumed = available - position - Int(stream.avail_in)
            position += consumed
            let produced = output.count - Int(stream.avail_out)
            if produced > 0 {
                let allowed = min(produced, maxOutput - outcome.bytes)
                if allowed > 0 {
                    let piece = UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: output[0..<allowed]))
                    outcome.crc = ZipChecksum.update(outcome.crc, piece)
                    try body(piece)
                    outcome.bytes += allowed
                }
                if allowed < produced {
                    outcome.reachedLimit = true
                    break
                }
            }
            if status == Z_STREAM_END {
                outcome.unusedInput = available - position + inputLeft
                break
            }
            guard status == Z_OK || status == Z_BUF_ERROR else {
                outcome.failure = stream.msg.map { String(cString: $0) } ?? "invalid deflate data"
                break
            }
            if produced == 0 && consumed == 0 && position < available {
                outcome.failure = "zlib made no progress"
                break
            }
        }
        return outcome
    }
}

/// CRC-32 as zip records it, computed by zlib.
public enum ZipChecksum {
    /// The CRC-32 of `bytes`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// `crc` extended over `bytes`.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return UInt32(
            truncatingIfNeeded: CZlib.crc32(uLong(crc), base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }
}
