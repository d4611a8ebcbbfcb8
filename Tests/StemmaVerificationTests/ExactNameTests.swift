import Foundation
import StemmaCore
import StemmaFormats
import StemmaTestSupport
import Testing

@testable import StemmaVerification

/// Names match as UTF-8 bytes, never by Swift's canonical `String` equality, and names that unpack onto one file on
/// macOS or Windows fail with `integrity.ambiguous-name`.
@Suite struct ExactNameTests {
    static let nfc = "caf\u{E9}.bin"
    static let nfd = "cafe\u{301}.bin"
    static let kelvin = "\u{212A}ernel.json"

    @Test func swiftStringEqualityIsCanonicalButExactNameIsNot() {
        // The trap this type exists for: both pairs are `==` as `String`s.
        #expect(Self.nfc == Self.nfd)
        #expect(Self.kelvin == "Kernel.json")
        #expect(ExactName(Self.nfc) != ExactName(Self.nfd))
        #expect(ExactName(Self.kelvin) != ExactName("Kernel.json"))
        #expect(Set([Self.nfc, Self.nfd, Self.kelvin, "Kernel.json"].map(ExactName.init)).count == 4)
        #expect(ExactName(Self.nfc) == ExactName(String(decoding: Array(Self.nfc.utf8), as: UTF8.self)))
        #expect(!Self.nfd.hasExactPrefix("caf\u{E9}"))
        #expect(Self.nfd.hasPrefix("caf\u{E9}"), "String.hasPrefix is canonical, which is why it is not used")
    }

    /// The order Python 3 gives `sorted(names, key=PurePosixPath)` (code points by component), printed by
    /// `python3 -c 'from pathlib import PurePosixPath as P; print(sorted(names, key=P))'`.
    @Test func sortsAsPythonSortsPurePosixPaths() {
        let python = [
            "Kernel.json", "a/b", "a-b", "cafe\u{301}", "caf\u{E9}", "e\u{301}/x", "kernel.json", "z", "\u{E9}/x",
            "\u{212A}ernel.json", "\u{FF21}", "\u{1F600}",
        ]
        #expect(
            python.reversed().sorted(by: ModelPath.precedes).map { Array($0.utf8) } == python.map { Array($0.utf8) })
        let shards = ["cafe\u{301}:0:1", "caf\u{E9}:0:1"].compactMap(ShardName.init(parsing:))
        #expect(
            shards.sorted(by: ShardName.precedes).map { Array($0.path.utf8) } == [
                Array("cafe\u{301}".utf8), Array("caf\u{E9}".utf8),
            ])
    }

    @Test func pathsSplitAtSlashBytesEvenBeforeACombiningMark() {
        // "/" + U+0301 is one Character, so splitting by Character would hide this ".." component.
        #expect(
            ModelPath.components("../\u{301}x").map { Array($0.utf8) } == [Array("..".utf8), Array("\u{301}x".utf8)])
        #expect(!ModelPath.isSafeRelative("../\u{301}x"))
        #expect(!ModelPath.isSafeRelative("a/../\u{301}b"))
        #expect(ModelPath.isWithin(".git/HEAD", ".git") && !ModelPath.isWithin(".gitx", ".git"))
        #expect(!ModelPath.isWithin("cafe\u{301}/x", "caf\u{E9}"))
        let shard = ShardName(parsing: "w:\u{301}:0:5")
        #expect(shard.map { Array($0.path.utf8) } == Array("w:\u{301}".utf8) && shard?.end == 5)
    }

    @Test func ignorePathsMatchWholeComponentsByBytes() {
        let rules = IgnoreRules([".git", "caf\u{E9}", "a/b", "caf\u{E9}"])
        #expect(rules.paths.map { Array($0.utf8) } == [".git", "a/b", "caf\u{E9}"].map { Array($0.utf8) })
        #expect(rules.isIgnored(".git") && rules.isIgnored(".git/HEAD") && rules.isIgnored("a/b/c"))
        #expect(!rules.isIgnored(".gitx") && !rules.isIgnored("a") && !rules.isIgnored("a/bc"))
        #expect(rules.isIgnored("caf\u{E9}/x"))
        #expect(!rules.isIgnored("cafe\u{301}/x"), "another spelling of an ignored folder is not ignored")
        #expect(!IgnoreRules([]).isIgnored("x"))
    }

    @Test func aSignedFileRenamedToItsNFDSpellingIsMissing() throws {
        let folder = try TemporaryFolder()
        try folder.write("m/\(Self.nfc)", "weights")
        try folder.write("m/config.json", "{}")
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"))
        try Self.rename(folder.url("m/\(Self.nfc)"), to: folder.url("m/\(Self.nfd)"))
        let report = try Fixtures.verify(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        #expect(report.verdict == .failed)
        #expect(Set(report.codes) == ["integrity.missing-file", "integrity.unlisted-file"], "\(report.findings)")
    }

    @Test(arguments: [
        (nfc, nfd), (kelvin, "Kernel.json"), ("Config.json", "config.json"), ("stra\u{DF}e", "STRASSE"),
        ("\u{FB01}le", "file"), ("Weights/a.bin", "weights/b.bin"),
    ])
    func aFolderHoldingTwoSpellingsOfOneNameFails(_ first: String, _ second: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("m/\(first)", "one")
        try folder.write("m/\(second)", "two")
        let names = try FileManager.default.subpathsOfDirectory(atPath: folder.url("m"))
        #expect(names.count >= 2)
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        #expect(throws: StemmaError.self) {
            try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"))
        }
        // A manifest that lists both (signed by someone else) fails too, on the manifest and on the folder.
        try Fixtures.craftBundle(
            statement: try Fixtures.statement(resources: [(first, Array("one".utf8)), (second, Array("two".utf8))]),
            key: keys.private, to: folder.url("m.sig"))
        let report = try Fixtures.verify(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        #expect(report.verdict == .failed)
        #expect(report.codes.contains("integrity.ambiguous-name"), "\(report.findings)")
    }

    @Test func aNameSpelledLikeAnIgnoredFolderIsAmbiguous() throws {
        // `.GIT/x` is signed; `.git/x` is ignored (unhashed) but lands on the same file on macOS.
        let folder = try TemporaryFolder()
        try folder.write("m/.GIT/x", "signed")
        try folder.write("m/a.bin", "a")
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try Fixtures.sign(folder.url("m"), key: keys.private, signature: folder.url("m.sig"))
        try folder.write("m/.git/x", "unhashed")
        let report = try Fixtures.verify(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        #expect(report.codes == ["integrity.ambiguous-name"], "\(report.findings)")
    }

    @Test func namesThatAreNotUTF8KeepTheirBytes() throws {
        let folder = try TemporaryFolder()
        try folder.write("m/a.bin", "a")
        for byte: UInt8 in [0xFE, 0xFF] {
            // The name is not valid UTF-8, so the file is created from the raw bytes.
            let raw = (Array(folder.url("m/x").utf8) + [byte, 0]).map { CChar(bitPattern: $0) }
            let made = open(raw, O_CREAT | O_WRONLY, 0o644)
            try #require(made >= 0)
            close(made)
        }
        let keys = try TestKeys.generate("P-256", named: "k", in: folder)
        try Fixtures.craftBundle(
            statement: try Fixtures.statement(resources: [("a.bin", Array("a".utf8))]), key: keys.private,
            to: folder.url("m.sig"))
        let report = try Fixtures.verify(folder.url("m"), signature: folder.url("m.sig"), publicKey: keys.public)
        let raw = report.findings.filter { $0.code.rawValue == "path.non-utf8-name" }.compactMap(\.path)
        #expect(raw.count == 2, "\(report.findings)")
        #expect(Set(raw.map(ExactName.init)).count == 2, "each raw name is reported as itself, not merged")
    }

    @Test func aJSONKeySpelledWithKelvinSignIsNotTheField() throws {
        let value = try JSONParser.parse(Array(#"{"public\u212Aey": 1, "publicKey": 2}"#.utf8), source: "t")
        #expect(value["publicKey"] == .number("2"))
        #expect(throws: StemmaError.self) {
            try JSONParser.parse(Array(#"{"caf\u00e9": 1, "caf\u00e9": 2}"#.utf8), source: "t")
        }
        #expect(try JSONParser.parse(Array(#"{"caf\u00e9": 1, "cafe\u0301": 2}"#.utf8), source: "t") != .null)
    }

    /// 100,000 names, a quarter of them non-ASCII: the work is one folded lookup per file and per distinct folder,
    /// and the one collision planted last is found.
    @Test func collisionCheckIsLinearIn100000Names() {
        var names: [String] = []
        var folders = Set<String>()
        for index in 0..<100_000 {
            let folder = index % 4 == 0 ? "d\u{E9}p\u{F4}t-\(index % 97)" : "shard-\(index % 89)"
            names.append("\(folder)/sub/w\(index).bin")
            folders.formUnion([folder, folder + "/sub"])
        }
        names.append("shard-1/sub/W1.bin")
        var check = NameCollisions()
        for name in names { check.add(name) }
        #expect(check.lookups == names.count + folders.count)
        #expect(check.collisions == [.init(first: "shard-1/sub/w1.bin", second: "shard-1/sub/W1.bin")])
    }

    @Test func aCollisionIsReportedOnceAtTheShallowestFolder() {
        let found = NameCollisions.find([
            "Caf\u{E9}/a", "caf\u{E9}/a", "cafe\u{301}/b", "x/\u{FF0F}", "x/y/z", "B", "b/c",
        ])
        #expect(
            found == [
                .init(first: "Caf\u{E9}", second: "caf\u{E9}"), .init(first: "Caf\u{E9}", second: "cafe\u{301}"),
                .init(first: "B", second: "b"),
            ])
    }

    private static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw TestSupportError("rename failed: \(errno)") }
    }
}
