import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

/// `stemma report` opened in headless Chromium (installed by `make deps`): the page renders, holds every affected
/// agent, its in-page links resolve, and it loads nothing from the network.
@Suite(.serialized) struct ReportCommandTests {
    private let stemma: String
    private let repository: String

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
    }

    /// The DOM Chromium built from the page (after parsing: what a reader's browser shows).
    private func dumpDOM(_ page: String) throws -> String {
        let result = try Command.run(
            "chromium",
            ["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", URL(fileURLWithPath: page).absoluteString])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("</html>"))
        return result.standardOutput
    }

    private func report(_ arguments: [String], in folder: TemporaryFolder, name: String = "report.html") throws
        -> String
    {
        let output = folder.url(name)
        let result = try Command.run(stemma, ["report"] + arguments + ["-o", output], in: repository)
        #expect(result.status == 0, "\(result.standardError)")
        return output
    }

    /// Element ids, in-page link targets, and the URLs of elements that would load something.
    private func links(_ dom: String) -> (ids: Set<String>, anchors: [String], loaded: [String]) {
        let ids = Set(dom.matches(of: /\sid="([^"]*)"/).map { String($0.1) })
        let anchors = dom.matches(of: /\shref="#([^"]*)"/).map { String($0.1) }
        var loaded: [String] = []
        for tag in dom.matches(of: /<(link|script|img|iframe|source|video|audio|embed|object)\b[^>]*>/) {
            for url in String(tag.0).matches(of: /\s(?:src|href|data|srcset)="([^"]*)"/) {
                loaded.append(String(url.1))
            }
        }
        return (ids, anchors, loaded)
    }

    private func affectedAgents(_ arguments: [String]) throws -> [String] {
        let result = try Command.run(stemma, ["impact"] + arguments + ["--format", "json"], in: repository)
        let report = try JSONParser.parse(Array(result.standardOutput.utf8), source: "stdout")
        return report["affected"]?.arrayValue?.filter { $0["kind"] == .string("agent") }.compactMap {
            $0["name"]?.stringValue
        } ?? []
    }

    @Test(arguments: ["auto", "builtin"])
    func exampleFleetRendersWithEveryAffectedAgentAndWorkingLinks(layout: String) throws {
        let folder = try TemporaryFolder()
        let flags = [
            "--inventory", "examples/fleet", "--flag", "pkg:huggingface/meta-llama/Llama-3.1-8B", "--advisories",
            "examples/fleet/advisories",
        ]
        let page = try report(
            flags + ["--policy", "examples/posture/policies", "--layout", layout], in: folder)
        let dom = try dumpDOM(page)
        let agents = try affectedAgents(flags)
        #expect(agents.count == 26)
        let (ids, anchors, loaded) = links(dom)
        for agent in agents {
            #expect(dom.contains(">\(agent)<") || dom.contains(">\(agent)@"), "\(agent) is not on the page")
        }
        // The navigation, and each affected agent's row and path linking to each other.
        #expect(anchors.count >= 5 + 2 * agents.count)
        for anchor in anchors { #expect(ids.contains(anchor), "#\(anchor) points at no element") }
        #expect(loaded.isEmpty, "the page loads \(loaded)")
        #expect(!dom.contains("<script"))
        // The sections, the unowned sandbox, the answer graph and the posture ranking.
        for section in ["answer", "fleet", "flagged", "posture", "verification"] { #expect(ids.contains(section)) }
        #expect(dom.contains("class=\"account unowned\"") && dom.contains("gcp-sandbox"))
        #expect(dom.contains("<svg class=\"answer"))
        #expect(dom.contains("<td class=\"rank\">1</td>"))
        // Graphviz is installed by `make deps`: auto uses it.
        if layout == "auto" { #expect(dom.contains("laid out by Graphviz dot") && dom.contains("answer graphviz")) }
        if layout == "builtin" { #expect(dom.contains("built-in layered layout") && !dom.contains("graphviz")) }
        #expect(dom.contains("https://osv.dev/vulnerability/PYSEC-2023-18"))
    }

    @Test func builtInLayoutWhenGraphvizIsNotInstalled() throws {
        let folder = try TemporaryFolder()
        let output = folder.url("report.html")
        // No dot on PATH: --layout auto falls back to the built-in layout.
        let result = try Command.run(
            "/usr/bin/env",
            [
                "PATH=/nonexistent", stemma, "report", "--inventory", "examples/fleet", "--flag",
                "pkg:huggingface/meta-llama/Llama-3.1-8B", "-o", output,
            ], in: repository)
        #expect(result.status == 0, "\(result.standardError)")
        let page = String(decoding: try folder.read("report.html"), as: UTF8.self)
        #expect(page.contains("Stemma's built-in layered layout"))
        #expect(page.contains("<svg class=\"answer\""))
        // Asking for Graphviz when it is missing is not an error: the page lists the paths without a picture.
        let strict = try Command.run(
            "/usr/bin/env",
            [
                "PATH=/nonexistent", stemma, "report", "--inventory", "examples/fleet", "--flag",
                "pkg:huggingface/meta-llama/Llama-3.1-8B", "--layout", "graphviz", "-o", output,
            ], in: repository)
        #expect(strict.status == 0, "\(strict.standardError)")
        let without = String(decoding: try folder.read("report.html"), as: UTF8.self)
        #expect(!without.contains("<svg") && without.contains("Graphviz could not draw the answer"))
        #expect(without.contains("cx-compliance-report-writer"))
    }

    @Test func aVerifiedAndATamperedBundleShowTheirVerdicts() throws {
        let folder = try TemporaryFolder()
        let good = folder.url("good.json")
        let verified = try Command.run(
            stemma,
            [
                "verify", "examples/bundles/sentiment-ft", "--trust-roots", "trust-roots/demo", "--format", "json",
                "-o", good,
            ],
            in: repository)
        #expect(verified.status == 0, "\(verified.standardError)")
        // A tampered copy: one more byte in the weights, so verify fails with a digest finding.
        _ = try Command.succeed("cp", ["-r", "examples/bundles/sentiment-ft", folder.url("tampered")], in: repository)
        let weights = folder.url("tampered/model.safetensors")
        if FileManager.default.fileExists(atPath: weights) {
            let handle = try #require(FileHandle(forWritingAtPath: weights))
            handle.seekToEndOfFile()
            handle.write(Data([0]))
            handle.closeFile()
        } else {
            try folder.write("tampered/extra.bin", [1, 2, 3])
        }
        let bad = folder.url("bad.json")
        let failed = try Command.run(
            stemma,
            [
                "verify", folder.url("tampered"), "--signature", "examples/bundles/sentiment-ft/model.sig",
                "--trust-roots", "trust-roots/demo", "--format", "json", "-o", bad,
            ], in: repository)
        #expect(failed.status == 1, "\(failed.standardError)")
        let page = try report(
            ["--inventory", "examples/fleet", "--verify-report", good, "--verify-report", bad], in: folder)
        let dom = try dumpDOM(page)
        #expect(dom.contains("VERIFIED") && dom.contains("FAILED"))
        #expect(dom.contains("examples/bundles/sentiment-ft"))
        #expect(dom.contains("integrity."), "the failed bundle's findings are listed")
        // A file that is not a verify report is refused, naming it.
        let refused = try Command.run(
            stemma, ["report", "--inventory", "examples/fleet", "--verify-report", "README.md", "-o", folder.url("x")],
            in: repository)
        #expect(refused.status == 2 && refused.standardError.contains("README.md"))
    }

    @Test func hostileNamesAreTextNotMarkup() throws {
        let folder = try TemporaryFolder()
        try folder.write(
            "fleet/a/stemma.yaml",
            """
            stemma: component/v1
            kind: agent
            name: '<img src=https://evil.example/x onerror=alert(1)>'
            owner: '"><script>alert(2)</script>'
            account: '<link rel=stylesheet href=https://evil.example/s.css>'
            models: [model:m]
            """)
        let page = try report(["--inventory", folder.url("fleet"), "--flag", "model:m"], in: folder)
        let dom = try dumpDOM(page)
        let (ids, anchors, loaded) = links(dom)
        #expect(loaded.isEmpty, "the page loads \(loaded)")
        #expect(!dom.contains("<script") && !dom.contains("<img"))
        #expect(dom.contains("&lt;img src=https://evil.example/x onerror=alert(1)&gt;"))
        for anchor in anchors { #expect(ids.contains(anchor), "#\(anchor) points at no element") }
    }

    @Test func screenshotOfTheExampleFleet() throws {
        let folder = try TemporaryFolder()
        let page = try report(
            [
                "--inventory", "examples/fleet", "--flag", "pkg:huggingface/meta-llama/Llama-3.1-8B", "--advisories",
                "examples/fleet/advisories",
            ], in: folder)
        let shot = folder.url("report.png")
        let result = try Command.run(
            "chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1200,1600",
                "--screenshot=\(shot)", URL(fileURLWithPath: page).absoluteString,
            ])
        #expect(result.status == 0, "\(result.standardError)")
        let png = try folder.read("report.png")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // IHDR: width and height, big-endian, at bytes 16..<24.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1200)
        #expect(png.count > 50_000, "a blank page compresses to a few kB")
    }
}
