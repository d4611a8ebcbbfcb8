import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

/// Exact answers of the built `stemma impact` on the example fleet (examples/fleet/README.md explains each).
@Suite struct ImpactCommandTests {
    private let stemma: String
    private let repository: String

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
    }

    private func impact(_ arguments: [String]) throws -> (report: JSONValue, status: Int32) {
        let result = try Command.run(stemma, ["impact"] + arguments + ["--format", "json"], in: repository)
        #expect(result.status == 0, "\(result.standardError)")
        return (try JSONParser.parse(Array(result.standardOutput.utf8), source: "stdout"), result.status)
    }

    private func agents(_ report: JSONValue) -> Set<String> {
        Set(
            report["affected"]?.arrayValue?.filter { $0["kind"] == .string("agent") }.compactMap {
                $0["ref"]?.stringValue
            }
                ?? [])
    }

    static let affectedByLlama: Set<String> = [
        "agent:cx-account-summary@1.4.0", "agent:cx-account-summary-es@1.1.2", "agent:cx-voice-summary@1.2.0",
        "agent:cx-compliance-report-writer@2.0.1", "agent:cx-dispute-assistant@1.8.0", "agent:cx-faq-bot@4.1.0",
        "agent:cx-statement-explainer@0.9.0", "agent:cx-complaints-classifier@1.3.0", "agent:cx-wealth-brief@1.0.4",
        "agent:doc-extract@3.3.0", "agent:doc-extract-tables@0.4.0", "agent:contract-clause-extractor@0.7.0",
        "agent:fraud-case-writer@2.1.0", "agent:it-helpdesk@3.1.4", "agent:internal-search@2.0.0",
        "agent:treasury-forecast-notes@0.3.0", "agent:sandbox-llama-playground", "agent:sandbox-agent-swarm",
        "agent:sandbox-worker", "agent:sandbox-merge-test", "agent:sandbox-lora-trial", "agent:sandbox-cx-clone",
    ]

    @Test func compromisedBaseModelReachesExactlyTheExpectedAgents() throws {
        let (report, _) = try impact(["pkg:huggingface/meta-llama/Llama-3.1-8B", "--inventory", "examples/fleet"])
        #expect(agents(report) == Self.affectedByLlama)
        // Evaluation-only use and a same-family decoy are not affected.
        #expect(!agents(report).contains("agent:cx-ticket-triage@3.0.1"))
        #expect(!agents(report).contains("agent:risk-report-drafter@1.0.0"))
        let deep = report["affected"]?.arrayValue?.first {
            $0["ref"]?.stringValue == "agent:cx-compliance-report-writer@2.0.1"
        }
        #expect(
            deep?["relations"]?.arrayValue?.compactMap(\.stringValue).filter { $0 != "any-version" } == [
                "uses-model", "quantized-from", "adapter-of", "fine-tuned-from", "fine-tuned-from",
            ])
        #expect(deep?["properties"]?["account"] == .string("aws-prod-cx"))
        #expect(deep?["path"]?.arrayValue?.last == .string("pkg:huggingface/meta-llama/Llama-3.1-8B"))
        #expect(
            report["warnings"]?.arrayValue?.contains { $0.stringValue?.contains("dependency cycle") == true } == true)
    }

    @Test func advisoriesFlagLangchainBelowTheFixAndReachTheirAgents() throws {
        let (report, _) = try impact(["--advisories", "examples/fleet/advisories", "--inventory", "examples/fleet"])
        #expect(
            agents(report) == [
                "agent:cx-voice-summary@1.2.0", "agent:contract-clause-extractor@0.7.0",
                "agent:sandbox-llama-playground",
                "agent:cx-mortgage-assistant@2.3.0", "agent:cx-ticket-triage@3.0.1", "agent:code-review-bot@5.2.0",
                "agent:sandbox-notebook-agent", "agent:sandbox-agent-swarm", "agent:sandbox-worker",
            ])
        let flagged = Set(report["flagged"]?.arrayValue?.compactMap { $0["ref"]?.stringValue } ?? [])
        #expect(flagged == ["pkg:pypi/langchain@0.0.130", "pkg:pypi/langchain@0.0.131", "pkg:pypi/langchain@0.0.99"])
        #expect(report["flagged"]?.arrayValue?.first?["advisory"] == .string("PYSEC-2023-18"))
    }

    @Test func textOutputIsATreeAndGraphExports() throws {
        let text = try Command.run(
            stemma, ["impact", "pkg:huggingface/meta-llama/Llama-3.1-8B", "--inventory", "examples/fleet"],
            in: repository)
        #expect(text.status == 0)
        #expect(text.standardOutput.contains("22 agents affected"))
        #expect(text.standardOutput.contains("└─ quantized-from"))
        let dot = try Command.run(
            stemma, ["graph", "--inventory", "examples/fleet", "--format", "dot"], in: repository)
        #expect(dot.status == 0 && dot.standardOutput.hasPrefix("digraph stemma"))
        let json = try Command.run(stemma, ["graph", "--inventory", "examples/fleet"], in: repository)
        let graph = try JSONParser.parse(Array(json.standardOutput.utf8), source: "graph")
        #expect((graph["nodes"]?.arrayValue?.count ?? 0) > 100)
    }

    @Test(arguments: [
        ["impact", "pkg:huggingface/x/y"],
        ["impact", "--inventory", "examples/fleet"],
        ["impact", "not-a-ref", "--inventory", "examples/fleet"],
        ["impact", "--advisories", "/no/such/dir", "--inventory", "examples/fleet"],
    ])
    func couldNotRunExitsTwo(_ arguments: [String]) throws {
        let result = try Command.run(stemma, arguments, in: repository)
        #expect(result.status == 2, "\(arguments): \(result.standardOutput) \(result.standardError)")
        #expect(!result.standardError.isEmpty)
    }

    @Test func hostileInventoryIsWarningsNotACrash() throws {
        let folder = try TemporaryFolder()
        try folder.write("a/stemma.yaml", "stemma: component/v1\nkind: agent\nname: a\nmodels: [model:m]\n")
        try folder.write("m/README.md", "---\nbase_model: [unclosed\n---\n")
        try folder.write("cycle/README.md", "---\nbase_model: x/y\n---\n")
        try folder.write("hub/models--x--y/snapshots/r/README.md", "---\nbase_model: x/y\n---\n")
        try folder.write("big/README.md", "---\nlicense: mit\n---\n" + String(repeating: "prose ", count: 9_000_000))
        try folder.write("hub/models--x--nofm/snapshots/r/README.md", "no front matter here")
        try folder.write(
            "lock/uv.lock",
            "version = 1\n[[package]]\nname = \"x\"\nversion = \"not pep 440\"\nsource = { registry = \"https://pypi.org/simple\" }\n"
        )
        let result = try Command.run(stemma, ["impact", "model:m", "--inventory", folder.path, "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try JSONParser.parse(Array(result.standardOutput.utf8), source: "stdout")
        #expect(agents(report) == ["agent:a"])
        let warnings = report["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(warnings.contains { $0.contains("m/README.md") && $0.contains("YAML") })
        #expect(warnings.contains { $0.contains("models--x--nofm") && $0.contains("front matter") })
        // A CycloneDX BOM cut short is a BOM not read (its dependencies could make an agent affected): exit 2.
        try folder.write("bom.json", "{\"bomFormat\": \"CycloneDX\", \"components\": [")
        let cut = try Command.run(stemma, ["impact", "model:m", "--inventory", folder.path, "--format", "json"])
        #expect(cut.status == 2 && cut.standardError.contains("bom.json"), "\(cut.standardError)")
    }

    /// A file that crossed one of Stemma's bounds was not read in full: an answer without it could call an
    /// affected agent unaffected, so impact, graph and bom exit 2, naming the file and the limit.
    @Test(arguments: [
        ["impact", "model:m", "--format", "json"], ["graph", "--format", "json"], ["bom"],
    ])
    func aFileNotReadInFullExitsTwo(_ command: [String]) throws {
        let folder = try TemporaryFolder()
        try folder.write("a/stemma.yaml", "stemma: component/v1\nkind: agent\nname: a\nmodels: [model:m]\n")
        try folder.write(
            "bom.json", "{\"bomFormat\": \"CycloneDX\", \"components\": " + String(repeating: "[", count: 100_000))
        let result = try Command.run(stemma, command + ["--inventory", folder.path])
        #expect(result.status == 2, "\(command): \(result.standardOutput) \(result.standardError)")
        #expect(result.standardError.contains("bom.json") && result.standardError.contains("not read in full"))
        #expect(result.standardError.contains("64"), "the limit is named: \(result.standardError)")
        #expect(result.standardOutput.isEmpty)
    }
}
