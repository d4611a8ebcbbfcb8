import StemmaArchive
import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

/// Bytes in memory as a zip source, for byte-patched archives.
private struct Bytes: ZipByteSource {
    let bytes: [UInt8]
    var count: Int { bytes.count }

    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws(StemmaError) -> Int {
        guard offset >= 0, offset < bytes.count else { return 0 }
        let length = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes {
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + length]))
        }
        return length
    }
}

/// Zips written by Python's `zipfile` and Info-ZIP `zip`, read as they are and with bytes patched the way an
/// attacker would, against what CPython itself says.
@Suite struct ZipArchiveTests {
    private static func read(_ bytes: [UInt8], maxMembers: Int = 1000) throws -> ZipArchive {
        try ZipArchive.read(Bytes(bytes: bytes), maxMembers: maxMembers, maxDirectoryBytes: 1 << 20)
    }

    private static func kinds(_ archive: ZipArchive) -> Set<ZipAmbiguity.Kind> { Set(archive.ambiguities.map(\.kind)) }

    /// A zip of `model/` (a config, a compressible and an incompressible weight file) written by Python's zipfile.
    private static func pythonZip(_ folder: TemporaryFolder, extra: String = "") throws -> [UInt8] {
        try folder.write("model/config.json", "{\"a\": 1}")
        try folder.write("model/weights/w.bin", (0..<300_000).map { UInt8($0 % 251) })
        try Command.succeed(
            "python3",
            [
                "-c",
                """
                import zipfile, os
                with zipfile.ZipFile('m.zip', 'w', zipfile.ZIP_DEFLATED) as z:
                    z.write('model/config.json')
                    z.write('model/weights/w.bin')
                    z.writestr('model/stored.bin', os.urandom(3000), compress_type=zipfile.ZIP_STORED)
                \(extra)
                """,
            ], in: folder.path)
        return try folder.read("m.zip")
    }

    /// What CPython's zipfile takes as the end record (`_EndRecData`), or -1 when it finds none.
    private static func cpythonEndRecord(_ folder: TemporaryFolder, _ name: String) throws -> Int {
        let out = try Command.succeed(
            "python3",
            [
                "-c",
                "import zipfile; r = zipfile._EndRecData(open('\(name)', 'rb')); "
                    + "print(-1 if r is None else r[zipfile._ECD_LOCATION])",
            ], in: folder.path)
        return Int(out.split(whereSeparator: { $0.isWhitespace }).first ?? "") ?? -2
    }

    private static func sha256(_ member: ZipMember, in source: some ZipByteSource) throws -> (
        String, ZipMemberReader.Outcome
    ) {
        var context = try DigestContext(.sha256)
        let outcome = try ZipMemberReader.stream(member, from: source, maxOutput: member.uncompressedSize + 1) {
            context.update($0)
        }
        return (Hex.encode(context.finalize()), outcome)
    }

    @Test(arguments: ["python", "infozip", "infozip-pipe"])
    func benignZipsHaveNoAmbiguityAndStreamTheirBytes(_ writer: String) throws {
        let folder = try TemporaryFolder()
        var bytes = try Self.pythonZip(folder)
        if writer == "infozip" {
            try Command.succeed("zip", ["-qr", "i.zip", "model"], in: folder.path)
            bytes = try folder.read("i.zip")
        } else if writer == "infozip-pipe" {
            // Writing to a pipe, zip cannot seek back: every file gets a data descriptor.
            try Command.succeed("sh", ["-c", "zip -qr - model | cat > p.zip"], in: folder.path)
            bytes = try folder.read("p.zip")
        }
        let archive = try Self.read(bytes)
        #expect(archive.ambiguities.isEmpty, "\(archive.ambiguities)")
        #expect(archive.otherEndRecords.isEmpty)
        if writer == "infozip-pipe" { #expect(archive.members.contains { $0.hasDataDescriptor }) }
        let weights = try #require(archive.members.first { $0.name == "model/weights/w.bin" })
        let (digest, outcome) = try Self.sha256(weights, in: Bytes(bytes: bytes))
        #expect(outcome.ambiguities(for: weights).isEmpty)
        let expected = try Command.succeed("sha256sum", ["model/weights/w.bin"], in: folder.path).prefix(64)
        #expect(digest == String(expected))
    }

    @Test(arguments: [
        "plain", "comment-with-end-record", "trailing-junk", "longest-comment-and-one-more-byte",
        "end-record-in-last-bytes",
    ])
    func theEndRecordTakenIsCPythons(_ variant: String) throws {
        let folder = try TemporaryFolder()
        var bytes = try Self.pythonZip(folder)
        var expected: Set<ZipAmbiguity.Kind> = []
        switch variant {
        case "comment-with-end-record":
            // A comment that holds a whole end record: CPython takes the last signature, the one in the comment.
            let fake: [UInt8] = [0x50, 0x4B, 0x05, 0x06] + [UInt8](repeating: 0, count: 18)
            bytes[bytes.count - 2] = UInt8(fake.count)
            bytes += fake
            expected = [.endRecord]
        case "trailing-junk":
            bytes += Array("junk after the end".utf8)
            expected = [.trailingBytes]
        case "longest-comment-and-one-more-byte":
            // The end record 65,558 bytes from the end: the first byte CPython's search still covers.
            bytes[bytes.count - 2] = 0xFF
            bytes[bytes.count - 1] = 0xFF
            bytes += [UInt8](repeating: 0x20, count: 65_535) + [0x0A]
            expected = [.trailingBytes]
        case "end-record-in-last-bytes":
            bytes += [0x50, 0x4B, 0x05, 0x06, 0, 0]
            expected = [.trailingBytes, .endRecord]
        default:
            break
        }
        try folder.write("v.zip", bytes)
        let archive = try? Self.read(bytes)
        let cpython = try Self.cpythonEndRecord(folder, "v.zip")
        if variant == "comment-with-end-record" {
            // CPython takes the fake record (and then finds no directory); Stemma reads the same record.
            #expect(cpython == bytes.count - 22)
            #expect(try ZipArchive.findEndRecords(in: Bytes(bytes: bytes)).chosen == cpython)
            return
        }
        let found = try #require(archive)
        if variant != "end-record-in-last-bytes" { #expect(found.endRecordOffset == cpython) }
        #expect(Self.kinds(found) == expected, "\(found.ambiguities)")
    }

    @Test func aPrefixShiftsOffsetsAsCPythonDoesAndIsAmbiguous() throws {
        let folder = try TemporaryFolder()
        let zip = try Self.pythonZip(folder)
        let prefix = [UInt8](repeating: 0x41, count: 1000)
        let archive = try Self.read(prefix + zip)
        #expect(archive.prefixLength == 1000)
        #expect(Self.kinds(archive) == [.unaccountedBytes])
        let weights = try #require(archive.members.first { $0.name == "model/weights/w.bin" })
        let (_, outcome) = try Self.sha256(weights, in: Bytes(bytes: prefix + zip))
        #expect(outcome.ambiguities(for: weights).isEmpty)
    }

    /// Offsets of a zip's central records and local headers, by name (no zip64, no prefix).
    private static func records(_ bytes: [UInt8]) -> [String: (central: Int, local: Int, length: Int)] {
        let end = bytes.count - 22
        var cursor = ByteCursor(bytes, at: end + 10)
        let count = Int(cursor.u16()!)
        _ = cursor.u32()
        var position = Int(cursor.u32()!)
        var result: [String: (central: Int, local: Int, length: Int)] = [:]
        for _ in 0..<count {
            var entry = ByteCursor(bytes, at: position + 28)
            let name = Int(entry.u16()!)
            let extra = Int(entry.u16()!)
            let comment = Int(entry.u16()!)
            var offset = ByteCursor(bytes, at: position + 42)
            let local = Int(offset.u32()!)
            let key = String(decoding: bytes[(position + 46)..<(position + 46 + name)], as: UTF8.self)
            result[key] = (position, local, 46 + name + extra + comment)
            position += 46 + name + extra + comment
        }
        return result
    }

    @Test(arguments: [
        ("name", 30), ("method", 8), ("flags", 6), ("crc", 14), ("compressed size", 18), ("size", 22),
    ])
    func everyLocalHeaderFieldIsComparedWithTheDirectory(_ field: String, _ offset: Int) throws {
        let folder = try TemporaryFolder()
        var bytes = try Self.pythonZip(folder)
        let local = try #require(Self.records(bytes)["model/config.json"]).local
        bytes[local + offset] ^= field == "flags" ? 0x01 : 0x02
        let archive = try Self.read(bytes)
        #expect(
            archive.ambiguities.contains { $0.kind == .localHeader && $0.member == "model/config.json" },
            "\(archive.ambiguities)")
    }

    @Test func duplicatesOrderGapsOverlapsAndUnlistedHeaders() throws {
        let folder = try TemporaryFolder()
        let bytes = try Self.pythonZip(
            folder,
            extra: """
                import warnings; warnings.simplefilter('ignore')
                with zipfile.ZipFile('m.zip', 'a') as z: z.writestr('model/config.json', b'{}')
                """)
        #expect(Self.kinds(try Self.read(bytes)) == [.duplicateName])

        // Swap the first two central records: the directory lists them against the order of their data.
        let clean = try Self.pythonZip(try TemporaryFolder())
        let entries = Self.records(clean)
        let first = try #require(entries["model/config.json"])
        let second = try #require(entries["model/weights/w.bin"])
        var swapped = Array(clean[..<first.central])
        swapped += clean[second.central..<(second.central + second.length)]
        swapped += clean[first.central..<(first.central + first.length)]
        swapped += clean[(second.central + second.length)...]
        #expect(Self.kinds(try Self.read(swapped)) == [.order])

        // Point the second entry at the first member's local header: overlap (and a name mismatch).
        var overlapping = clean
        overlapping.replaceSubrange((second.central + 42)..<(second.central + 46), with: [0, 0, 0, 0])
        let overlap = try Self.read(overlapping)
        #expect(Self.kinds(overlap).isSuperset(of: [.overlap, .localHeader]))

        // Junk before the first member with offsets that count it (a self-extractor stub): unaccounted bytes.
        var stub = [UInt8](repeating: 0x90, count: 64) + clean
        for (_, entry) in entries {
            var cursor = ByteCursor(stub, at: entry.central + 64 + 42)
            let moved = cursor.u32()! + 64
            for index in 0..<4 { stub[entry.central + 64 + 42 + index] = UInt8((moved >> (8 * UInt32(index))) & 0xFF) }
        }
        var end = ByteCursor(stub, at: stub.count - 6)
        let directory = end.u32()! + 64
        for index in 0..<4 { stub[stub.count - 6 + index] = UInt8((directory >> (8 * UInt32(index))) & 0xFF) }
        let stubbed = try Self.read(stub)
        #expect(stubbed.prefixLength == 0)
        #expect(stubbed.ambiguities.map(\.kind) == [.unaccountedBytes], "\(stubbed.ambiguities)")

        // A member dropped from the directory but left in place: a local header nobody lists.
        let dropped = Array(clean[..<first.central]) + clean[(first.central + first.length)...]
        var patched = dropped
        patched[patched.count - 14] = 2  // entries on this disk
        patched[patched.count - 12] = 2  // entries in all
        let size = UInt32(second.length) + UInt32(try #require(entries["model/stored.bin"]).length)
        for index in 0..<4 { patched[patched.count - 10 + index] = UInt8((size >> (8 * UInt32(index))) & 0xFF) }
        let unlisted = try Self.read(patched)
        #expect(Self.kinds(unlisted) == [.unreferencedLocalHeader], "\(unlisted.ambiguities)")
    }

    @Test func zip64RecordsAreReadWhereCPythonReadsThemAndCheckedAgainstTheLocator() throws {
        let folder = try TemporaryFolder()
        let bytes = try Self.pythonZip(
            folder,
            extra: """
                with zipfile.ZipFile('m.zip', 'a', allowZip64=True) as z:
                    with z.open('model/big.bin', 'w', force_zip64=True) as f: f.write(b'x' * 1000)
                """)
        #expect(try Self.read(bytes).ambiguities.isEmpty)
        // Insert a zip64 end record and locator that agree, then one whose locator points elsewhere.
        func withZip64(locator target: UInt64?) throws -> [UInt8] {
            let end = bytes.count - 22
            var cursor = ByteCursor(bytes, at: end + 10)
            let count = UInt64(cursor.u16()!)
            let size = UInt64(cursor.u32()!)
            let offset = UInt64(cursor.u32()!)
            func le(_ value: UInt64, _ width: Int) -> [UInt8] {
                (0..<width).map { UInt8((value >> (8 * UInt64($0))) & 0xFF) }
            }
            let record =
                le(0x0606_4B50, 4) + le(44, 8) + le(45, 2) + le(45, 2) + le(0, 4) + le(0, 4) + le(count, 8)
                + le(count, 8) + le(size, 8) + le(offset, 8)
            let locator = le(0x0706_4B50, 4) + le(0, 4) + le(target ?? UInt64(end), 8) + le(1, 4)
            return Array(bytes[..<end]) + record + locator + bytes[end...]
        }
        #expect(try Self.read(try withZip64(locator: nil)).ambiguities.isEmpty)
        #expect(Self.kinds(try Self.read(try withZip64(locator: 0))) == [.zip64])
    }

    @Test func limitsAndBrokenArchivesFailClearly() throws {
        let folder = try TemporaryFolder()
        let bytes = try Self.pythonZip(folder)
        #expect(try Self.read(bytes, maxMembers: 2).memberLimitReached)
        #expect(throws: StemmaError.self) {
            try ZipArchive.read(Bytes(bytes: bytes), maxMembers: 10, maxDirectoryBytes: 10)
        }
        #expect(throws: StemmaError.self) { try Self.read(Array(bytes.prefix(bytes.count / 2))) }
        #expect(throws: StemmaError.self) { try Self.read([]) }
        var cut = bytes
        cut.removeLast(30)  // inside the directory and the end record
        #expect(throws: StemmaError.self) { try Self.read(cut) }
    }

    @Test func ambiguitiesAreBoundedOnAHostileArchive() throws {
        let folder = try TemporaryFolder()
        try Command.succeed(
            "python3",
            [
                "-c",
                """
                import zipfile, warnings
                warnings.simplefilter('ignore')
                with zipfile.ZipFile('d.zip', 'w') as z:
                    for _ in range(3000): z.writestr('same', b'')
                """,
            ], in: folder.path)
        let archive = try Self.read(try folder.read("d.zip"), maxMembers: 10_000)
        #expect(archive.ambiguities.count == ZipArchive.maxAmbiguities)
        #expect(archive.droppedAmbiguities == 2999 - ZipArchive.maxAmbiguities)
    }

    @Test func memberDataThatDisagreesWithItsRecordsIsReported() throws {
        let folder = try TemporaryFolder()
        var bytes = try Self.pythonZip(folder)
        let archive = try Self.read(bytes)
        let weights = try #require(archive.members.first { $0.name == "model/weights/w.bin" })
        // Declared ten bytes short: the stream runs past the bound of the declared size plus one.
        var short = weights
        short.uncompressedSize -= 10
        let (_, long) = try Self.sha256(short, in: Bytes(bytes: bytes))
        #expect(long.reachedLimit)
        #expect(long.ambiguities(for: short).map(\.kind) == [.memberData])
        // A wrong CRC: read to the end, then reported.
        var wrongCRC = weights
        wrongCRC.crc ^= 1
        let (_, crc) = try Self.sha256(wrongCRC, in: Bytes(bytes: bytes))
        #expect(crc.failure == nil && crc.ambiguities(for: wrongCRC).count == 1)
        #expect(crc.ambiguities(for: wrongCRC, checkCRC: false).isEmpty)
        // Compressed size claims more than the deflate stream uses.
        var padded = weights
        padded.compressedSize += 5
        let (_, unused) = try Self.sha256(padded, in: Bytes(bytes: bytes))
        #expect(unused.unusedInput == 5)
        // Corrupt deflate data fails with zlib's reason, never crashes.
        let start = try #require(weights.dataOffset)
        for index in start..<(start + 64) { bytes[index] = 0xFF }
        let (_, corrupt) = try Self.sha256(weights, in: Bytes(bytes: bytes))
        #expect(corrupt.failure != nil)
        // Methods other than stored and deflate are refused, not guessed.
        var bzip2 = weights
        bzip2.method = 12
        #expect(throws: StemmaError.self) { try Self.sha256(bzip2, in: Bytes(bytes: bytes)) }
    }

    @Test func namesReadersDecodeDifferentlyAreAmbiguous() throws {
        let folder = try TemporaryFolder()
        try folder.write("model/caf\u{E9}.txt", "x")
        // Info-ZIP stores UTF-8 names without the UTF-8 flag; Python's zipfile decodes them as CP437.
        try Command.succeed("sh", ["-c", "LC_ALL=C.UTF-8 zip -qr n.zip model"], in: folder.path)
        let archive = try Self.read(try folder.read("n.zip"))
        #expect(archive.ambiguities.map(\.kind) == [.name])
        #expect(archive.ambiguities.first?.member == "model/caf\u{E9}.txt")
        // The same name written by zipfile carries the flag and is not ambiguous.
        try Command.succeed(
            "python3", ["-c", "import zipfile; zipfile.ZipFile('p.zip', 'w').writestr('caf\u{E9}.txt', b'x')"],
            in: folder.path)
        #expect(try Self.read(try folder.read("p.zip")).ambiguities.isEmpty)
    }
}

/// Members that readers place differently, written by Python's zipfile with crafted attributes.
@Suite struct ZipMemberKindTests {
    @Test(arguments: [
        ("link", "i = zipfile.ZipInfo('link'); i.external_attr = 0o120777 << 16; z.writestr(i, 'target')"),
        ("name", "i = zipfile.ZipInfo('dir'); i.external_attr = 0o40755 << 16; z.writestr(i, b'')"),
        ("name", "z.writestr('a\\\\b.txt', b'x')"),
        ("name", "z.writestr('d/', b'data in a folder entry')"),
        (
            "name",
            "n = b'x.txt'; i = zipfile.ZipInfo('x.txt'); "
                + "i.extra = struct.pack('<HHBI', 0x7075, 5 + len(n), 1, zlib.crc32(n)) + n; z.writestr(i, b'x')"
        ),
    ])
    func membersReadersPlaceDifferentlyAreAmbiguous(_ kind: String, _ statement: String) throws {
        let folder = try TemporaryFolder()
        try Command.succeed(
            "python3",
            [
                "-c",
                "import zipfile, struct, zlib\nwith zipfile.ZipFile('k.zip', 'w') as z:\n    z.writestr('plain.txt', b'p')\n    "
                    + statement,
            ], in: folder.path)
        let bytes = try folder.read("k.zip")
        let archive = try ZipArchive.read(Bytes(bytes: bytes), maxMembers: 10, maxDirectoryBytes: 1 << 20)
        #expect(Set(archive.ambiguities.map(\.kind.rawValue)) == [kind], "\(archive.ambiguities)")
        #expect(archive.ambiguities.first?.member != "plain.txt")
    }
}
