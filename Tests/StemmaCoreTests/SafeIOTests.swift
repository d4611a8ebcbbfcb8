import StemmaCore
import StemmaTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// ``RegularFile`` refuses what is not a regular file without blocking, and ``TerminalText`` leaves nothing a
/// terminal would obey.
@Suite struct SafeIOTests {
    @Test func aNamedPipeIsRefusedAtOnceAndNamed() throws {
        let folder = try TemporaryFolder()
        let pipe = folder.url("model.sig")
        #expect(mkfifo(pipe, 0o600) == 0)
        // No writer ever opens the pipe: a blocking open would never return.
        let error = #expect(throws: StemmaError.self) { try BoundedFile.read(pipe) }
        #expect(error?.code == .io)
        #expect(error?.message == "'\(pipe)' is a named pipe (FIFO), not a regular file")
        #expect(throws: RegularFile.Failure.notRegular(kind: "a named pipe (FIFO)")) {
            _ = try RegularFile(opening: Array(pipe.utf8))
        }
    }

    @Test func aFolderAndADeviceAreRefusedByKind() {
        #expect(throws: RegularFile.Failure.notRegular(kind: "a folder")) {
            _ = try RegularFile(opening: Array("/".utf8))
        }
        #expect(throws: RegularFile.Failure.notRegular(kind: "a character device")) {
            _ = try RegularFile(opening: Array("/dev/null".utf8))
        }
    }

    @Test func aLinkIsRefusedOnlyWhenLinksAreNotWanted() throws {
        let folder = try TemporaryFolder()
        let target = try folder.write("target.txt", "hello")
        #expect(symlink(target, folder.url("link")) == 0)
        let followed = try RegularFile(path: folder.url("link"))
        #expect(followed.size == 5)
        #expect(throws: RegularFile.Failure.system(operation: "open", errno: ELOOP)) {
            _ = try RegularFile(opening: Array(folder.url("link").utf8), followLinks: false)
        }
    }

    @Test func aRegularFileReadsNormally() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write("a.bin", [1, 2, 3])
        let file = try RegularFile(path: path)
        #expect(fcntl(file.descriptor, F_GETFL) & O_NONBLOCK == 0)
        #expect(try BoundedFile.read(path) == [1, 2, 3])
    }

    @Test func controlsAndBidiOverridesAreEscaped() {
        #expect(TerminalText.escaped("x\n\u{1B}[32mVERIFIED\u{1B}[0m") == "x\\n\\x1b[32mVERIFIED\\x1b[0m")
        #expect(TerminalText.escaped("a\tb\rc\u{0}d\u{7F}") == "a\\tb\\rc\\x00d\\x7f")
        #expect(TerminalText.escaped("\u{85}\u{9B}31m") == "\\u{85}\\u{9b}31m")
        #expect(
            TerminalText.escaped("\u{202E}gpj.exe\u{2066}\u{2069}\u{200F}\u{2028}")
                == "\\u{202e}gpj.exe\\u{2066}\\u{2069}\\u{200f}\\u{2028}")
        // A literal backslash is doubled, so `\n` in the output always stands for a newline in the input.
        #expect(TerminalText.escaped("a\\nb") == "a\\\\nb")
        // Ordinary text, accents and emoji pass unchanged.
        #expect(TerminalText.escaped("café/モデル 🙂.bin") == "café/モデル 🙂.bin")
        #expect(TerminalText.escapedLines("usage: a\nbad '\u{1B}[2J'") == "usage: a\nbad '\\x1b[2J'")
    }

    @Test func jsonKeepsValuesExactAndWritesTerminalControlsAsEscapes() throws {
        let value = "x\n\u{1B}[32m\u{7F}\u{85}\u{202E}é\\\""
        let text = JSONWriter().string(.string(value))
        #expect(text == "\"x\\n\\u001b[32m\\u007f\\u0085\\u202eé\\\\\\\"\"")
        #expect(try JSONParser.parse(Array(text.utf8), source: "t") == .string(value))
        // Neighbours of the escaped characters in UTF-8 pass unchanged: NBSP, an Arabic letter, an ellipsis.
        let neighbours = "\u{A0}\u{627}\u{2026}\u{2027}\u{202F}\u{2065}\u{206A}"
        #expect(JSONWriter().string(.string(neighbours)) == "\"" + neighbours + "\"")
        let escaped = "\u{9F}\u{61C}\u{200E}\u{2028}\u{2066}\u{2069}"
        #expect(JSONWriter().string(.string(escaped)) == "\"\\u009f\\u061c\\u200e\\u2028\\u2066\\u2069\"")
    }
}

/// Output files: a device or pipe already at the path is written in place, never replaced by a rename.
@Suite struct AtomicFileTests {
    @Test func writingToTheNullDeviceLeavesItADevice() throws {
        defer { Self.restoreNullDevice() }
        try AtomicFile.write(Array("report".utf8), to: "/dev/null")
        var status = stat()
        #expect(lstat("/dev/null", &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func aPipeWithoutAReaderFailsInsteadOfBlockingAndStaysAPipe() throws {
        let folder = try TemporaryFolder()
        let pipe = folder.url("out")
        #expect(mkfifo(pipe, 0o600) == 0)
        let error = #expect(throws: StemmaError.self) { try AtomicFile.write(Array("x".utf8), to: pipe) }
        #expect(error?.code == .io)
        var status = stat()
        #expect(lstat(pipe, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func aFolderIsRefusedAndARegularFileReplaced() throws {
        let folder = try TemporaryFolder()
        #expect(throws: StemmaError.self) { try AtomicFile.write([1], to: folder.path) }
        let file = try folder.write("out.json", "old")
        try AtomicFile.write(Array("new".utf8), to: file)
        #expect(try BoundedFile.read(file) == Array("new".utf8))
    }

    /// If a regression replaced the null device (as root), put it back so the rest of the machine keeps working.
    static func restoreNullDevice() {
        var status = stat()
        guard lstat("/dev/null", &status) == 0, status.st_mode & S_IFMT != S_IFCHR, getuid() == 0 else { return }
        unlink("/dev/null")
        _ = mknod("/dev/null", S_IFCHR | 0o666, dev_t(1 << 8 | 3))  // makedev(1, 3)
        _ = chmod("/dev/null", 0o666)
    }
}
