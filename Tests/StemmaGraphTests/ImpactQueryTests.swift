import StemmaCore
import StemmaGraph
import Testing

/// Exact answers on a small fleet built in code: merges, adapters, quantizations, evaluation-only data,
/// sub-agents, corpora, packages, name-level references and a cycle.
@Suite struct ImpactQueryTests {
    static func ref(_ text: String) -> ComponentRef { ComponentRef(parsing: text)! }

    static let evidence = Evidence(source: "test", status: .declared)

    static func edge(_ from: String, _ relation: Relation, _ to: String) -> EdgeRecord {
        EdgeRecord(from: ref(from), to: ref(to), relation: relation, evidence: evidence)
    }

    static func agent(_ name: String, owner: String) -> ComponentRecord {
        ComponentRecord(
            ref: ref("agent:\(name)"), properties: ["owner": owner, "stage": "production"],
            source: "fleet/\(name)/stemma.yaml")
    }

    static let fleet: Graph = {
        var builder = GraphBuilder()
        builder.add(
            InventoryFragment(
                components: ["summary", "triage", "evaluator", "router", "search", "coder", "cycler"].map {
                    agent($0, owner: "team-\($0)")
                },
                edges: [
                    edge("pkg:huggingface/acme/ft@r1", .fineTunedFrom, "pkg:huggingface/meta/base"),
                    edge("pkg:huggingface/acme/lora@r2", .adapterOf, "pkg:huggingface/acme/ft@r1"),
                    edge("pkg:huggingface/acme/q4@r3", .quantizedFrom, "pkg:huggingface/acme/lora"),
                    edge("pkg:huggingface/acme/merge@r4", .mergedFrom, "pkg:huggingface/acme/ft@r1"),
                    edge("pkg:huggingface/acme/merge@r4", .mergedFrom, "pkg:huggingface/other/model@r9"),
                    edge("pkg:huggingface/acme/judge@r5", .evaluatedOn, "pkg:huggingface/datasets/acme/eval"),
                    edge("pkg:huggingface/acme/judge@r5", .trainedOn, "pkg:huggingface/datasets/acme/train"),
                    edge("agent:summary", .usesModel, "pkg:huggingface/acme/q4@r3"),
                    edge("agent:triage", .usesModel, "pkg:huggingface/acme/merge@r4"),
                    edge("agent:evaluator", .usesModel, "pkg:huggingface/acme/judge@r5"),
                    edge("agent:router", .spawns, "agent:summary"),
                    edge("corpus:kb@2026-10", .embedsWith, "pkg:huggingface/meta/base@main"),
                    edge("agent:search", .retrievesFrom, "corpus:kb@2026-10"),
                    edge("agent:coder", .requiresPackage, "pkg:pypi/langchain@0.0.131"),
                    edge("agent:search", .requiresPackage, "pkg:pypi/langchain@0.0.132"),
                    edge("model:x", .fineTunedFrom, "model:y"),
                    edge("model:y", .fineTunedFrom, "model:x"),
                    edge("agent:cycler", .usesModel, "model:x"),
                ]))
        return builder.build().graph
    }()

    private func affected(_ query: String, severity: ImpactSeverity = .critical) -> [String: AffectedAgent] {
        let result = ImpactQuery(graph: Self.fleet).run(
            query: query, flagged: [FlaggedComponent(ref: Self.ref(query), severity: severity, reason: "test")])
        return Dictionary(uniqueKeysWithValues: result.agents.map { ($0.ref.name, $0) })
    }

    @Test func aCompromisedBaseReachesEveryDescendantAgent() {
        let found = affected("pkg:huggingface/meta/base")
        #expect(Set(found.keys) == ["summary", "triage", "router", "search"])
        #expect(
            found["summary"]?.path.map(\.description) == [
                "agent:summary", "pkg:huggingface/acme/q4@r3", "pkg:huggingface/acme/lora",
                "pkg:huggingface/acme/lora@r2",
                "pkg:huggingface/acme/ft@r1", "pkg:huggingface/meta/base",
            ])
        #expect(found["summary"]?.relations == [.usesModel, .quantizedFrom, .anyVersion, .adapterOf, .fineTunedFrom])
        #expect(found["router"]?.path.first?.description == "agent:router")
        #expect(found["router"]?.relations.first == .spawns)
        #expect(found["search"]?.relations == [.retrievesFrom, .embedsWith])
        #expect(found["summary"]?.properties["owner"] == "team-summary")
    }

    @Test func evaluationDataDoesNotPropagateButTrainingDataDoes() {
        #expect(affected("pkg:huggingface/datasets/acme/eval").isEmpty)
        #expect(Set(affected("pkg:huggingface/datasets/acme/train").keys) == ["evaluator"])
    }

    @Test func aMergeIsReachedThroughEitherParent() {
        #expect(Set(affected("pkg:huggingface/other/model@r9").keys) == ["triage"])
    }

    @Test func pinnedVersionsOnlyMatchTheirOwnVersionButANameMatchesAll() {
        #expect(Set(affected("pkg:pypi/langchain@0.0.131").keys) == ["coder"])
        #expect(Set(affected("pkg:pypi/LangChain").keys) == ["coder", "search"])
        #expect(affected("pkg:pypi/langchain@0.0.130").isEmpty)
    }

    @Test func anUnpinnedReferenceIsReachedFromAnyOfItsVersions() {
        // q4 depends on "acme/lora" with no revision; a bad revision of lora reaches it.
        #expect(Set(affected("pkg:huggingface/acme/lora@r2").keys) == ["summary", "router"])
    }

    @Test func cyclesAreReportedAndWalkedOnce() {
        #expect(Set(affected("model:y").keys) == ["cycler"])
        var builder = GraphBuilder()
        builder.add(
            InventoryFragment(edges: [
                Self.edge("model:x", .fineTunedFrom, "model:y"), Self.edge("model:y", .fineTunedFrom, "model:x"),
            ]))
        let warnings = builder.build().warnings
        #expect(warnings.contains { $0.message.contains("dependency cycle") })
    }

    @Test func theWorstSeverityWinsForAnAgentReachedTwice() {
        let result = ImpactQuery(graph: Self.fleet).run(
            query: "two",
            flagged: [
                FlaggedComponent(ref: Self.ref("pkg:huggingface/other/model@r9"), severity: .low, reason: "low"),
                FlaggedComponent(ref: Self.ref("pkg:huggingface/acme/ft@r1"), severity: .high, reason: "high"),
            ])
        let triage = result.affected.first { $0.ref.name == "triage" }
        #expect(triage?.severity == .high)
        #expect(triage?.flaggedBy.description == "pkg:huggingface/acme/ft@r1")
        #expect(result.affected.first?.severity == .high)
    }

    @Test func aQueryThatMatchesNothingSaysSo() {
        let result = ImpactQuery(graph: Self.fleet).run(
            query: "q", flagged: [FlaggedComponent(ref: Self.ref("model:absent"), severity: .high, reason: "r")])
        #expect(result.affected.isEmpty)
        #expect(result.warnings.contains { $0.message.contains("not in the inventory") })
    }

    @Test func lockfileEdgesAttachToTheAgentOfTheirFolder() {
        var builder = GraphBuilder()
        builder.add(
            InventoryFragment(components: [ComponentRecord(ref: Self.ref("agent:bot"), source: "fleet/bot/stemma.yaml")]
            ))
        builder.add(
            InventoryFragment(edges: [
                EdgeRecord(
                    from: .agentOfFolder("fleet/bot/deps"), to: Self.ref("pkg:pypi/torch@2.5.1"),
                    relation: .requiresPackage, evidence: Self.evidence),
                EdgeRecord(
                    from: .agentOfFolder("elsewhere"), to: Self.ref("pkg:pypi/numpy@2.0"), relation: .requiresPackage,
                    evidence: Self.evidence),
            ]))
        let (graph, warnings) = builder.build()
        let result = ImpactQuery(graph: graph).run(
            query: "t", flagged: [FlaggedComponent(ref: Self.ref("pkg:pypi/torch"), severity: .high, reason: "r")])
        #expect(result.agents.map(\.ref.name) == ["bot"])
        #expect(result.affected.map(\.ref.description) == ["agent:bot", "pkg:pypi/torch@2.5.1"])
        #expect(warnings.contains { $0.message.contains("no agent is declared") })
    }

    @Test func exportsJSONAndDOT() {
        let json = Self.fleet.jsonValue(warnings: [])
        #expect(json["nodes"]?.arrayValue?.isEmpty == false)
        let dot = Self.fleet.dot()
        #expect(dot.hasPrefix("digraph stemma {"))
        #expect(dot.contains("style=dashed"))  // evaluated-on
    }
}
