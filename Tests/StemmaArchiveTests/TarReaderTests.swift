import StemmaArchive
import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

/// Archives are written by GNU tar and Python's tarfile, or patched byte by byte where no tool writes the case.
@Suite struct TarReaderTests {
    private struct Read {
        var digests: [String: String] = [:]
        var kinds: [String: ArchiveEntry.Kind] = [:]
        var problems: [ArchiveProblem] = []
        var largestChunk = 0
    }

    private func read(_ archive: String, limits: ArchiveLimits = .standard) throws -> Read {
        let reader = try TarReader(path: archive, limits: limits)
        var result = Read()
        while let entry = try reader.nextEntry() {
            guard case .success(let name) = entry.path else { continue }
            result.kinds[name] = entry.kind
            guard case .regularFile = entry.kind else { continue }
            var context = try DigestContext(.sha256)
            var largest = result.largestChunk
            try reader.readData { chunk in
                context.update(chunk)
                largest = max(largest, chunk.count)
            }
            result.largestChunk = largest
            result.digests[name] = Hex.encode(context.finalize())
        }
        result.problems = reader.problems
        return result
    }

    private func sha256(_ file: String, in folder: TemporaryFolder) throws -> String {
        String(try Command.succeed("sha256sum", [file], in: folder.path).prefix(64))
    }

    /// Python that writes raw tar blocks: `member(name, data, type)`, `pax({...})`, `longname(name)`, `END`.
    private static let blocks = """
        import sys
        def header(name, size, t=b"0", link=b"", magic=b"ustar  \\x00", extra=b""):
            h = bytearray(512); h[0:len(name)] = name; h[100:108] = b"0000644\\x00"
            h[108:116] = h[116:124] = b"0000000\\x00"; h[124:136] = b"%011o\\x00" % size
            h[136:148] = b"%011o\\x00" % 1700000000; h[156:157] = t; h[157:157 + len(link)] = link
            h[257:265] = magic; h[345:345 + len(extra)] = extra; h[148:156] = b" " * 8; h[148:156] = b"%06o\\x00 " % sum(h); return bytes(h)
        def member(name, data, t=b"0", **kw):
            return header(name, len(data), t, **kw) + data + bytes(-len(data) % 512)
        def longname(name, t=b"L"): return member(b"././@LongLink", name + b"\\x00", t)
        def pax(records, t=b"x"):
            body = b""
            for k, v in records.items():
                line = b" " + k + b"=" + v + b"\\n"; n = len(line) + 1
                while len(str(n)) + len(line) != n: n += 1
                body += str(n).encode() + line
            return member(b"PaxHeaders/x", body, t, magic=b"ustar\\x0000")
        END = bytes(1024)
        def sp(o, n): return b"%011o\\x00" % o + b"%011o\\x00" % n
        def oldsparse(entries, data, real=200):
            extra = bytes(41) + entries + bytes(96 - len(entries)) + b"\\x00" + b"%011o\\x00" % real
            return header(b"s.bin", len(data), b"S", extra=extra) + data + bytes(-len(data) % 512)

        """

    private func write(_ folder: TemporaryFolder, _ name: String, _ expression: String) throws -> String {
        let script = Self.blocks + "open(sys.argv[1], 'wb').write(\(expression))\n"
        try Command.succeed("python3", ["-c", script, name], in: folder.path)
        return folder.url(name)
    }

    @Test(arguments: ["gnu", "pax", "ustar"])
    func readsLongAndNonASCIINamesAsGNUTarWritesThem(_ format: String) throws {
        let folder = try TemporaryFolder()
        let long = String(repeating: "long-folder-name-", count: 4) + "/" + "weights-é-重み.bin"
        try folder.write("model/" + long, (0..<300_000).map { UInt8($0 % 251) })
        try folder.write("model/config.json", "{}")
        try Command.succeed("tar", ["--format=\(format)", "-cf", "t.tar", "model"], in: folder.path)
        let result = try read(folder.url("t.tar"))
        #expect(result.problems.isEmpty)
        #expect(result.digests["model/" + long] == (try sha256("model/" + long, in: folder)))
        #expect(result.kinds["model"] == .directory)
        #expect(result.largestChunk <= 1 << 16)
    }

    @Test(arguments: ["gnu", "posix"])
    func sparseMembersExpandAsTarWroteThem(_ format: String) throws {
        let folder = try TemporaryFolder()
        try Command.succeed(
            "sh",
            [
                "-c",
                "mkdir s && truncate -s 32M s/sparse.bin && printf 'abc' | dd of=s/sparse.bin bs=1 seek=0 conv=notrunc "
                    + "2>/dev/null && printf 'data' | dd of=s/sparse.bin bs=1 seek=9000000 conv=notrunc 2>/dev/null "
                    + "&& tar --format=\(format) --sparse -cf s.tar s",
            ], in: folder.path)
        let result = try read(folder.url("s.tar"))
        #expect(result.problems.isEmpty)
        #expect(result.digests["s/sparse.bin"] == (try sha256("s/sparse.bin", in: folder)))
    }

    @Test(arguments: [("t.tar.gz", "-czf"), ("t.tar.xz", "-cJf"), ("t.tar.zst", "--zstd -cf"), ("t.tar.bz2", "-cjf")])
    func readsEveryCompression(_ name: String, _ flags: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("m/w.bin", (0..<300_000).map { UInt8($0 % 251) })
        try Command.succeed("sh", ["-c", "tar \(flags) \(name) m"], in: folder.path)
        let result = try read(folder.url(name))
        #expect(result.problems.isEmpty)
        #expect(result.digests["m/w.bin"] == (try sha256("m/w.bin", in: folder)))
    }

    @Test func concatenatedGzipMembersAreOneStream() throws {
        let folder = try TemporaryFolder()
        try folder.write("m/w.bin", (0..<200_000).map { UInt8($0 % 13) })
        try Command.succeed(
            "sh",
            [
                "-c",
                "tar -cf t.tar m && head -c 4096 t.tar | gzip > t.tar.gz && tail -c +4097 t.tar | gzip >> t.tar.gz",
            ],
            in: folder.path)
        let result = try read(folder.url("t.tar.gz"))
        #expect(result.problems.isEmpty)
        #expect(result.digests["m/w.bin"] == (try sha256("m/w.bin", in: folder)))
    }

    @Test func garbageAfterTheGzipStreamIsAProblem() throws {
        let folder = try TemporaryFolder()
        try folder.write("m/w.bin", "weights")
        try Command.succeed("sh", ["-c", "tar -czf t.tar.gz m && printf 'garbage' >> t.tar.gz"], in: folder.path)
        let result = try read(folder.url("t.tar.gz"))
        #expect(result.problems.map(\.kind) == [.ambiguous])
        #expect(result.problems.first?.message.contains("after its compressed stream") == true)
    }

    @Test func dataAfterTheEndMarkerIsAProblem() throws {
        let folder = try TemporaryFolder()
        let path = try write(
            folder, "t.tar", "member(b'a.bin', b'one') + bytes(512) + member(b'a.bin', b'two') + END")
        let result = try read(path)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.message.contains("after its end-of-archive marker") == true)
    }

    @Test func zeroPaddingAfterTheEndMarkerIsFine() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "t.tar", "member(b'a.bin', b'one') + END + bytes(9216)")
        #expect(try read(path).problems.isEmpty)
    }

    @Test func longNameConflictingWithPaxPathIsAProblem() throws {
        let folder = try TemporaryFolder()
        let path = try write(
            folder, "t.tar", "longname(b'a.bin') + pax({b'path': b'b.bin'}) + member(b'c.bin', b'x') + END")
        let result = try read(path)
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.message.contains("'a.bin'") == true)
        #expect(result.problems.first?.message.contains("'b.bin'") == true)
    }

    @Test func agreeingLongNameAndPaxPathAreFine() throws {
        let folder = try TemporaryFolder()
        let path = try write(
            folder, "t.tar", "longname(b'a.bin') + pax({b'path': b'a.bin'}) + member(b'c.bin', b'x') + END")
        let result = try read(path)
        #expect(result.problems.isEmpty)
        #expect(result.digests.keys.sorted() == ["a.bin"])
    }

    @Test(arguments: ["path", "linkpath", "size", "GNU.sparse.name"])
    func globalPaxHeadersThatRenameAreProblems(_ keyword: String) throws {
        let folder = try TemporaryFolder()
        let path = try write(
            folder, "t.tar", "pax({b'\(keyword)': b'7'}, b'g') + member(b'a.bin', b'x') + END")
        #expect(try read(path).problems.map(\.kind) == [.ambiguous])
    }

    @Test func globalPaxCommentIsFine() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "t.tar", "pax({b'comment': b'abc'}, b'g') + member(b'a.bin', b'x') + END")
        #expect(try read(path).problems.isEmpty)
    }

    @Test(arguments: [
        "pax({b'path': b'a'}) + pax({b'path': b'b'}) + member(b'c', b'x') + END",  // two pax headers
        "pax({b'size': b'0'}) + member(b'c', b'x' * 600) + END",  // pax size against header size
        "pax({b'size': b'+1'}) + member(b'c', b'') + END",  // a number only Python reads
        "member(b'l', b'x' * 600, b'2', link=b'c') + END",  // a symbolic link with a body
        "member(b'h', b'x' * 10, b'1', link=b'c') + END",  // a hard link with a body
        "member(b'a', b'x') + member(b'b', b'y')[:148] + b'0000000\\x00' + member(b'b', b'y')[156:] + END",
        "pax({b'GNU.sparse.map': b'0,1', b'GNU.sparse.size': b'1'}) + member(b'c', b'x') + END",  // sparse 0.1
        "member(b'a', b'x') + pax({b'path': b'b'}) + END",  // an extension header describing no member
        "member(b'a', b'x') + longname(b'b')",  // the same, at the end of the stream
    ])
    func headersReadTwoWaysEndTheReading(_ expression: String) throws {
        let folder = try TemporaryFolder()
        let result = try read(try write(folder, "t.tar", expression))
        #expect(result.problems.count == 1)
        #expect(result.problems.first?.kind == .ambiguous)
    }

    /// GNU tar makes a folder of both; Python's tarfile a file of type '0' and a folder of type NUL.
    @Test(arguments: ["b'0'", "b'\\x00'"])
    func regularMembersNamedLikeFoldersAreProblems(_ type: String) throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "t.tar", "member(b'd/', b'xyz', \(type)) + member(b'e', b'1') + END")
        let result = try read(path)
        #expect(result.problems.count == 1)
        #expect(result.digests.keys.contains("e"))
    }

    @Test func unknownTypeIsAProblemAndSkipped() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "t.tar", "member(b'v', b'', b'V') + member(b'a.bin', b'x') + END")
        let result = try read(path)
        #expect(result.problems.count == 1)
        #expect(result.digests.keys.sorted() == ["a.bin"])
    }

    @Test func linksDevicesAndFoldersAreReported() throws {
        let folder = try TemporaryFolder()
        let path = try write(
            folder, "t.tar",
            "member(b'd/', b'', b'5') + member(b'd/a', b'x') + member(b'd/s', b'', b'2', link=b'a') "
                + "+ member(b'd/h', b'', b'1', link=b'd/a') + member(b'd/f', b'', b'6') + END")
        let result = try read(path)
        #expect(result.problems.isEmpty)
        #expect(result.kinds["d"] == .directory)
        #expect(result.kinds["d/s"] == .symbolicLink(target: "a"))
        #expect(result.kinds["d/h"] == .hardLink(target: "d/a"))
        #expect(result.kinds["d/f"] == .other)
    }

    /// GNU tar's pax format writes an extended header before every member: only members count.
    @Test func entryLimitCountsMembersNotTheirExtensionHeaders() throws {
        let folder = try TemporaryFolder()
        for name in ["a", "b", "c"] { try folder.write("m/\(name).bin", name) }
        try Command.succeed("tar", ["--format=pax", "-cf", "t.tar", "m"], in: folder.path)
        var limits = ArchiveLimits.standard
        limits.maxEntries = 4
        #expect(try read(folder.url("t.tar"), limits: limits).digests.count == 3)
        limits.maxEntries = 3
        #expect {
            _ = try read(folder.url("t.tar"), limits: limits)
        } throws: { error in
            (error as? StemmaError)?.code == .limitExceeded
        }
    }

    @Test func notATarIsAnErrorNamingTheFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("x.tar", Array(repeating: UInt8(ascii: "z"), count: 2048))
        #expect {
            _ = try read(path)
        } throws: { error in
            (error as? StemmaError)?.message.contains("x.tar") == true
        }
    }

    @Test func truncatedMemberIsAnError() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "t.tar", "member(b'a.bin', b'x' * 5000)[:2048]")
        #expect(throws: StemmaError.self) { try read(path) }
    }

    @Test func longNamesPastTheLimitAreRefusedWithoutReadingThem() throws {
        let folder = try TemporaryFolder()
        let path = try write(folder, "t.tar", "longname(b'n' * 100000) + member(b'c', b'x') + END")
        #expect {
            _ = try read(path)
        } throws: { error in
            (error as? StemmaError)?.code == .limitExceeded
        }
    }

    @Test func oldGNUSparseMapIsExpanded() throws {
        let folder = try TemporaryFolder()
        // As GNU tar writes a map: every region before the last one holding data fills whole blocks, and a file
        // that ends in a hole has a closing (size, 0) entry.
        let path = try write(
            folder, "t.tar", "oldsparse(sp(0, 512) + sp(1024, 3) + sp(1100, 0), b'a' * 512 + b'def', real=1100) + END")
        let result = try read(path)
        #expect(result.problems.isEmpty)
        var expected = [UInt8](repeating: UInt8(ascii: "a"), count: 512) + [UInt8](repeating: 0, count: 512)
        expected += Array("def".utf8) + [UInt8](repeating: 0, count: 73)
        #expect(result.digests["s.bin"] == (try Digest.sha256Hex(expected)))
    }

    /// Python's tarfile reads every entry of the header's map, GNU tar stops at the first empty one.
    @Test(arguments: [
        "oldsparse(sp(0, 3) + bytes(24) + sp(100, 3), b'abcdef') + END",  // a range after the end of the map
        "oldsparse(sp(100, 3) + sp(0, 3), b'abcdef') + END",  // ranges out of order
        "oldsparse(sp(0, 3) + sp(100, 3), b'abcdefg') + END",  // more stored bytes than the map covers
        "oldsparse(sp(0, 3) + sp(199, 3), b'abcdef') + END",  // a range past the real size
        "oldsparse(sp(0, 3) + sp(100, 3), b'abcdef', real=103) + END",  // GNU tar reads region 2 from the next block
        "oldsparse(sp(0, 512) + sp(1024, 3), b'a' * 512 + b'def') + END",  // ends in a hole, no closing entry
    ])
    func oldGNUSparseMapsReadTwoWaysAreProblems(_ expression: String) throws {
        let folder = try TemporaryFolder()
        let result = try read(try write(folder, "t.tar", expression))
        #expect(result.problems.count == 1)
        #expect(result.digests.isEmpty)
    }

    @Test func oldGNUSparseWithExtensionBlocksFromGNUTar() throws {
        let folder = try TemporaryFolder()
        var script = "mkdir s && truncate -s 8M s/many.bin"
        for index in 0..<30 {
            script += " && printf 'x\(index)' | dd of=s/many.bin bs=1 seek=\(index * 200_000) conv=notrunc 2>/dev/null"
        }
        script += " && tar --format=gnu --sparse -cf s.tar s"
        try Command.succeed("sh", ["-c", script], in: folder.path)
        let result = try read(folder.url("s.tar"))
        #expect(result.problems.isEmpty)
        #expect(result.digests["s/many.bin"] == (try sha256("s/many.bin", in: folder)))
    }
}
