import Foundation
import StemmaCore
import StemmaTestSupport
import Testing

/// `stemma impact --format dot` draws the answer only, and Graphviz itself reads it (installed by `make deps`).
@Suite struct ImpactDotTests {
    private let stemma: String
    private let repository: String

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
    }

    /// Node ids by the full ref in their tooltip, and edges as (dependency id, dependent id, relation).
    private func parse(_ dot: String) -> (
        nodes: [String: String], lines: [String: String], edges: [(String, String, String)]
    ) {
        var nodes: [String: String] = [:]
        var lines: [String: String] = [:]
        var edges: [(String, String, String)] = []
        for line in dot.split(separator: "\n").map(String.init) {
            if let match = line.firstMatch(of: /^  (n\d+) \[label=.*tooltip="([^"]*)"/) {
                nodes[String(match.2)] = String(match.1)
                lines[String(match.2)] = line
            } else if let match = line.firstMatch(of: /^  (n\d+) -> (n\d+) \[dir=back, label="([^"]*)"/) {
                edges.append((String(match.1), String(match.2), String(match.3)))
            }
        }
        return (nodes, lines, edges)
    }

    @Test func drawsOnlyTheAnswerWithRelationsAndSeverity() throws {
        let result = try Command.run(
            stemma,
            ["impact", "pkg:huggingface/meta-llama/Llama-3.1-8B", "--inventory", "examples/fleet", "--format", "dot"],
            in: repository)
        #expect(result.status == 0, "\(result.standardError)")
        let (nodes, lines, edges) = parse(result.standardOutput)
        let agents = Set(nodes.keys.filter { $0.hasPrefix("agent:") })
        // The affected agents, plus the versionless spellings a path goes through (`spawns: [doc-extract]`).
        let versioned = agents.filter { ref in ref.contains("@") || !agents.contains { $0.hasPrefix(ref + "@") } }
        #expect(versioned == ImpactCommandTests.affectedByLlama)
        #expect(agents.count == ImpactCommandTests.affectedByLlama.count + 2)
        // Far from the 152-node whole graph: unaffected agents and models are not drawn.
        #expect(nodes.count < 60)
        #expect(nodes["agent:cx-ticket-triage@3.0.1"] == nil)
        #expect(nodes["pkg:huggingface/mistralai/Mistral-7B-v0.3"] == nil)
        // The flagged base model: double border, critical colour.
        let base = try #require(lines["pkg:huggingface/meta-llama/Llama-3.1-8B"])
        #expect(base.contains("peripheries=2") && base.contains("#b42318") && base.contains("flagged, critical"))
        // Every affected agent has a path of drawn edges down to a flagged node.
        let flaggedIDs = Set(lines.filter { $0.value.contains("peripheries=2") }.map { nodes[$0.key]! })
        var dependencies: [String: [String]] = [:]
        for (dependency, dependent, _) in edges { dependencies[dependent, default: []].append(dependency) }
        for agent in agents {
            var seen: Set<String> = [nodes[agent]!]
            var queue = [nodes[agent]!]
            while let next = queue.popLast() {
                for step in dependencies[next] ?? [] where seen.insert(step).inserted { queue.append(step) }
            }
            #expect(!seen.isDisjoint(with: flaggedIDs), "\(agent) has no drawn path to a flagged component")
        }
        // The deep chain's relations are on its edges.
        let relations = Set(edges.map(\.2))
        #expect(relations.isSuperset(of: ["uses-model", "quantized-from", "adapter-of", "fine-tuned-from", "spawns"]))
        #expect(!relations.contains("evaluated-on"))

        // Graphviz reads it.
        let folder = try TemporaryFolder()
        try folder.write("answer.dot", result.standardOutput)
        let svg = try Command.succeed("dot", ["-Tsvg", folder.url("answer.dot")])
        #expect(svg.contains("<svg") && svg.replacing("&#45;", with: "-").contains("cx-compliance-report-writer@2.0.1"))
    }

    @Test func hostileNamesStayInsideTheirQuotes() throws {
        let folder = try TemporaryFolder()
        let name = #"evil\" ] ; n0 -> n0 [label=\"x"#
        try folder.write(
            "a/stemma.yaml",
            "stemma: component/v1\nkind: agent\nname: '\(name)\u{202E}'\nmodels: [model:m]\n")
        let result = try Command.run(stemma, ["impact", "model:m", "--inventory", folder.path, "--format", "dot"])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.contains("\u{202E}"))
        try folder.write("answer.dot", result.standardOutput)
        // Graphviz parses it as exactly two nodes and one edge: the name did not break out of its string.
        let plain = try Command.succeed("dot", ["-Tplain", folder.url("answer.dot")])
        let kinds = plain.split(separator: "\n").compactMap { $0.split(separator: " ").first }
        #expect(kinds.filter { $0 == "node" }.count == 2)
        #expect(kinds.filter { $0 == "edge" }.count == 1)
    }
}
