import StemmaGraph
import Testing

@testable import StemmaInventory

/// pip takes a local path, an archive URL or a VCS URL on a line of its own. One such line made a whole
/// `requirements.txt` unrecognised, so every pinned package in it was dropped without a word and a query for one
/// answered "not in the inventory" (issue 11: "No input that was not read can end in exit 0").
@Suite struct RequirementsLocationLineTests {
    @Test(arguments: [
        "./local-pkg", "/opt/wheels/x-1.0-py3-none-any.whl", "https://example.com/x-1.0-py3-none-any.whl",
        "git+https://github.com/a/b", "file:///srv/pkg",
    ])
    func aLocationLineKeepsTheFileAndIsNamedInAWarning(line: String) {
        let text = "evilpkg==1.0\n\(line)\nother==1\n"
        #expect(RequirementsReader.recognizes(path: "app/requirements.txt", head: Array(text.utf8)))
        let fragment = RequirementsReader.read(path: "app/requirements.txt", bytes: Array(text.utf8))
        #expect(fragment.components.map(\.ref.description).sorted() == ["pkg:pypi/evilpkg@1.0", "pkg:pypi/other@1"])
        #expect(fragment.warnings.contains { $0.message.contains(line) && $0.message.contains("skipped") })
    }
}
