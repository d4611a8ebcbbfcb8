import StemmaArchive
import Testing

@Suite struct ArchivePathTests {
    @Test(arguments: [("./a//b/", "a/b"), ("model/weights.bin", "model/weights.bin"), ("./", ""), ("a/./b", "a/b")])
    func normalisesHarmlessNames(_ raw: String, _ expected: String) {
        #expect(ArchivePath.normalize(Array(raw.utf8)) == .success(expected))
    }

    @Test(arguments: [
        ("/etc/passwd", ArchivePathError.absolute), ("../evil", .parentReference), ("model/../../x", .parentReference),
        ("a/..", .parentReference),
    ])
    func refusesEscapingNames(_ raw: String, _ expected: ArchivePathError) {
        #expect(ArchivePath.normalize(Array(raw.utf8)) == .failure(expected))
    }

    @Test func refusesNonUTF8AndOverlongNames() {
        #expect(ArchivePath.normalize([0x63, 0x61, 0x66, 0xE9]) == .failure(.notUTF8))
        #expect(ArchivePath.normalize(Array(repeating: 0x61, count: 5000)) == .failure(.tooLong))
    }

    @Test func displayEscapesUnprintableBytes() {
        #expect(ArchivePath.display([0x63, 0x61, 0x66, 0xE9]) == "caf\\xe9")
        #expect(ArchivePath.display(Array("ok/name".utf8)) == "ok/name")
    }
}
