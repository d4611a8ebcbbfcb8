import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

/// A file named like one Stemma reads whose content no reader recognises was skipped without a word (issue 11:
/// "No input that was not read can end in exit 0"): a `uv.lock` cut to garbage beside an agent's manifest dropped
/// its packages, and a query for one of them answered "not in the inventory" with exit 0.
@Suite struct ImpactMisnamedInputTests {
    private let stemma: String

    init() throws {
        stemma = try BuiltProducts.stemma()
    }

    @Test(arguments: [
        "uv.lock", "poetry.lock", "pylock.toml", "model.sig", ".mcp.json", "stemma.yml", "requirements-dev.txt",
    ])
    func aClaimedNameWithForeignContentIsNotRead(name: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("a/stemma.yaml", "stemma: component/v1\nkind: agent\nname: a\nmodels: [org/m]\n")
        let arguments = ["impact", "model:org/m", "--inventory", folder.path, "--format", "json"]
        let clean = try Command.run(stemma, arguments)
        #expect(clean.status == 0, "\(clean.standardError)")
        try folder.write("a/" + name, "garbage {{{ [[\n")
        for command in [arguments, ["graph", "--inventory", folder.path], ["bom", "--inventory", folder.path]] {
            let result = try Command.run(stemma, command)
            #expect(result.status == 2, "\(command): \(result.standardError)")
            #expect(result.standardError.contains("a/\(name)") && result.standardError.contains("not read"))
        }
    }

    @Test func anEmptyFileOfAClaimedNameIsNoProblem() throws {
        let folder = try TemporaryFolder()
        try folder.write("a/stemma.yaml", "stemma: component/v1\nkind: agent\nname: a\nmodels: [org/m]\n")
        try folder.write("a/uv.lock", "")
        let result = try Command.run(stemma, ["impact", "model:org/m", "--inventory", folder.path, "--quiet"])
        #expect(result.status == 0, "\(result.standardError)")
    }
}
