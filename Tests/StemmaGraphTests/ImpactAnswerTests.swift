import StemmaCore
import StemmaGraph
import Testing

/// What an answer names besides agents, how `--kind` and `--fail-on` read it, and the nearest-ref hint for a
/// query that matches nothing.
@Suite struct ImpactAnswerTests {
    private static func ref(_ text: String) -> ComponentRef { ImpactQueryTests.ref(text) }

    private func run(_ query: String, severity: ImpactSeverity = .critical) -> ImpactResult {
        ImpactQuery(graph: ImpactQueryTests.fleet).run(
            query: query, flagged: [FlaggedComponent(ref: Self.ref(query), severity: severity, reason: "test")])
    }

    @Test func everyAffectedComponentIsNamedWithItsPathAgentsFirst() {
        let result = run("pkg:huggingface/meta/base")
        let refs = result.affected.map(\.ref.description)
        #expect(result.affectedAgentCount == 4)
        #expect(Array(refs.prefix(4)) == ["agent:router", "agent:search", "agent:summary", "agent:triage"])
        #expect(
            Set(refs.dropFirst(4)) == [
                "pkg:huggingface/meta/base@main", "pkg:huggingface/acme/ft@r1",
                "pkg:huggingface/acme/lora@r2", "pkg:huggingface/acme/q4@r3", "pkg:huggingface/acme/merge@r4",
                "corpus:kb@2026-10",
            ])
        // The versionless alias of a versioned component is plumbing, not another component.
        #expect(!refs.contains("pkg:huggingface/acme/lora") && !refs.contains("pkg:huggingface/meta/base"))
        #expect(result.affectedComponentCount == refs.count - 4)
        let lora = result.affected.first { $0.ref.description == "pkg:huggingface/acme/lora@r2" }
        #expect(lora?.relations == [.adapterOf, .fineTunedFrom])
        #expect(lora?.path.last?.description == "pkg:huggingface/meta/base")
    }

    @Test func filteringKeepsOneKindAndTheCounts() {
        let result = run("pkg:huggingface/meta/base")
        let models = result.filtered(to: [.model])
        #expect(!models.affected.isEmpty && models.affected.allSatisfy { $0.ref.kind == .model })
        #expect(models.affectedAgentCount == 4 && models.affectedComponentCount == result.affectedComponentCount)
        #expect(result.filtered(to: [.corpus]).affected.map(\.ref.description) == ["corpus:kb@2026-10"])
        #expect(result.filtered(to: [.tool]).affected.isEmpty)
    }

    @Test func theGateCountsAgentsAtOrAboveTheThresholdAndUnknownAtEvery() {
        let medium = run("pkg:huggingface/meta/base", severity: .medium)
        #expect(medium.agents(atLeast: .critical).isEmpty && medium.agents(atLeast: .high).isEmpty)
        #expect(medium.agents(atLeast: .medium).count == 4 && medium.agents(atLeast: .low).count == 4)
        #expect(medium.agents(atLeast: nil).count == 4)
        let unknown = run("pkg:huggingface/meta/base", severity: .unknown)
        #expect(unknown.agents(atLeast: .critical).count == 4)
        // Models alone never trip the gate; an answer with no agent passes it.
        let evaluationOnly = run("pkg:huggingface/datasets/acme/eval")
        #expect(evaluationOnly.agents(atLeast: nil).isEmpty)
        #expect(evaluationOnly.affected.map(\.ref.description) == ["pkg:huggingface/datasets/acme/eval"])
    }

    @Test func aQueryThatMatchesNothingNamesTheNearestRefs() {
        let typo = run("pkg:huggingface/acme/lroa@r2")
        #expect(typo.affected.isEmpty)
        #expect(
            typo.warnings.map(\.message) == [
                "pkg:huggingface/acme/lroa@r2 is not in the inventory; nearest: pkg:huggingface/acme/lora"
            ])
        let otherOwner = run("model:merge")
        #expect(otherOwner.warnings.first?.message.hasSuffix("nearest: pkg:huggingface/acme/merge") == true)
        let far = run("pkg:npm/left-pad")
        #expect(far.warnings.map(\.message) == ["pkg:npm/left-pad is not in the inventory"])
        let digest = run("sha256:" + String(repeating: "ab", count: 32))
        #expect(digest.warnings.first?.message.contains("nearest") == false)
    }

    @Test func theNearestRefSearchIsBoundedOnALargeGraph() throws {
        var builder = GraphBuilder()
        let evidence = ImpactQueryTests.evidence
        var edges: [EdgeRecord] = []
        // Wall-clock limits stay out of pass/fail tests (the machine is shared); the search is linear by
        // construction (one banded distance per node, names cut at `maxLength`), and this checks it answers right
        // at scale. The time is for benchmarks.
        for index in 0..<30_000 {
            edges.append(
                EdgeRecord(
                    from: Self.ref("agent:agent-\(index)"), to: Self.ref("pkg:huggingface/org-\(index)/model-\(index)"),
                    relation: .usesModel, evidence: evidence))
        }
        builder.add(InventoryFragment(edges: edges))
        let graph = builder.build().graph
        let nearest = NearestRefs.nearest(to: Self.ref("pkg:huggingface/org-4242/modle-4242"), in: graph)
        #expect(nearest.first?.description == "pkg:huggingface/org-4242/model-4242")
        // A long query costs a bounded prefix of each name, and finds nothing near.
        let long = try #require(ComponentRef(parsing: "model:" + String(repeating: "x", count: 1_000)))
        #expect(NearestRefs.nearest(to: long, in: graph).isEmpty)
    }

    @Test func aLongFineTuneChainIsAnsweredInLinearWork() {
        // 20,000 models, each fine-tuned from the one before, and an agent on the last: every model is affected,
        // and whole paths for each would be 200 million steps.
        let count = 20_000
        var edges: [EdgeRecord] = [
            EdgeRecord(
                from: Self.ref("agent:end"), to: Self.ref("model:m\(count - 1)"), relation: .usesModel,
                evidence: ImpactQueryTests.evidence)
        ]
        for index in 1..<count {
            edges.append(
                EdgeRecord(
                    from: Self.ref("model:m\(index)"), to: Self.ref("model:m\(index - 1)"), relation: .fineTunedFrom,
                    evidence: ImpactQueryTests.evidence))
        }
        var builder = GraphBuilder()
        builder.add(InventoryFragment(edges: edges))
        let graph = builder.build().graph
        // Quadratic work (a whole path per member) would be 200 million steps; the counts and truncated paths below
        // show the linear answer. No wall-clock limit: the machine is shared.
        let result = ImpactQuery(graph: graph).run(
            query: "m0", flagged: [FlaggedComponent(ref: Self.ref("model:m0"), severity: .high, reason: "r")])
        #expect(result.affectedAgentCount == 1 && result.affectedComponentCount == count)
        let agent = result.affected[0]
        #expect(agent.ref.description == "agent:end" && agent.path.count == count + 1 && !agent.pathTruncated)
        let far = result.affected.first { $0.ref.description == "model:m\(count - 1)" }
        #expect(far?.pathTruncated == true && far?.relations.count == ImpactQuery.maxComponentPathSteps)
        #expect(far?.flaggedBy.description == "model:m0")
        let near = result.affected.first { $0.ref.description == "model:m3" }
        #expect(near?.pathTruncated == false && near?.path.last?.description == "model:m0")
    }
}
