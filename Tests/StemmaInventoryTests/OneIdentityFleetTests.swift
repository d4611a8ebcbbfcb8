import StemmaCore
import StemmaGraph
import StemmaInventory
import StemmaTestSupport
import Testing

/// The same small fleet, spelled five different ways, gives the same answers (issue 11, "one identity per
/// component"): two agents, a base model → fine-tune → adapter chain, a dataset, and two MCP servers that are both
/// called `fetch` but run different packages.
@Suite struct OneIdentityFleetTests {
    /// How copy `k` spells each component wherever it mentions it (declarations, the hub cache folders, stay put).
    struct Spelling {
        var base: String
        var fineTune: String
        var adapter: String
        var dataset: String
        var npxArguments: [String]
        var serverKeys: (String, String)
    }

    static let spellings = [
        Spelling(
            base: "acme/base-llm", fineTune: "acme/fraud-ft", adapter: "acme/fraud-lora", dataset: "acme/txns",
            npxArguments: ["-y", "evil-fetch@1.0.0"], serverKeys: ("fetch", "fetch")),
        Spelling(
            base: "model:acme/base-llm", fineTune: "model:acme/fraud-ft", adapter: "model:acme/fraud-lora",
            dataset: "dataset:acme/txns", npxArguments: ["--yes", "evil-fetch@1.0.0"], serverKeys: ("web", "web")),
        Spelling(
            base: "pkg:huggingface/acme/base-llm", fineTune: "pkg:huggingface/acme/fraud-ft",
            adapter: "pkg:huggingface/acme/fraud-lora", dataset: "pkg:huggingface/datasets/acme/txns",
            npxArguments: ["-y", "Evil-Fetch@1.0.0"], serverKeys: ("fetch-a", "fetch-b")),
        Spelling(
            base: "hf://acme/base-llm", fineTune: "hf://acme/fraud-ft",
            adapter: "https://huggingface.co/acme/fraud-lora",
            dataset: "hf://datasets/acme/txns", npxArguments: ["--registry", "https://r.example", "evil-fetch@1.0.0"],
            serverKeys: ("fetch", "other")),
        Spelling(
            base: "models--ACME--Base-LLM", fineTune: "Acme/Fraud-FT", adapter: "hf://models/ACME/fraud-LoRA",
            dataset: "datasets--Acme--TXNS", npxArguments: ["-y", "evil-fetch@1.0.0"], serverKeys: ("x", "fetch")),
    ]

    static let revision = (
        base: String(repeating: "1", count: 40), fineTune: String(repeating: "2", count: 40),
        adapter: String(repeating: "3", count: 40), dataset: String(repeating: "4", count: 40)
    )

    /// Writes one copy of the fleet.
    static func writeFleet(_ spelling: Spelling, in folder: TemporaryFolder) throws {
        func card(_ repo: String, _ rev: String, _ yaml: String) throws {
            _ = try folder.write("hub/\(repo)/snapshots/\(rev)/README.md", "---\n\(yaml)\n---\n# card\n")
        }
        try card("models--acme--base-llm", revision.base, "license: apache-2.0")
        try card(
            "models--acme--fraud-ft", revision.fineTune,
            "base_model: \"\(spelling.base)\"\ndatasets:\n  - \"\(spelling.dataset)\"")
        // No `base_model_relation`: only the Hub's tag says this is an adapter.
        let tagged = spelling.fineTune.hasPrefix("Acme") ? "Acme/Fraud-FT" : "acme/fraud-ft"
        try card(
            "models--acme--fraud-lora", revision.adapter,
            "base_model: \"\(spelling.fineTune)\"\ntags:\n  - base_model:adapter:\(tagged)\n  - lora")
        try card(
            "datasets--acme--txns", revision.dataset, "license: cc-by-4.0\ntask_categories: [tabular-classification]")
        _ = try folder.write(
            "agents/a1/stemma.yaml",
            """
            stemma: component/v1
            kind: agent
            name: fraud-triage
            version: 1.0.0
            models: ["\(spelling.adapter)"]
            datasets: ["\(spelling.dataset)"]
            """)
        _ = try folder.write(
            "agents/a2/stemma.yaml",
            """
            stemma: component/v1
            kind: agent
            name: web-researcher
            version: 2.0.0
            models: ["\(spelling.base)"]
            """)
        let pypi = #"{"command": "uvx", "args": ["mcp-server-fetch==1.0"]}"#
        _ = try folder.write("agents/a1/.mcp.json", #"{"mcpServers": {"\#(spelling.serverKeys.0)": \#(pypi)}}"#)
        let npm = JSONWriter().string(.array(spelling.npxArguments.map(JSONValue.string)))
        _ = try folder.write(
            "agents/a2/.mcp.json",
            #"{"mcpServers": {"\#(spelling.serverKeys.1)": {"command": "npx", "args": \#(npm)}}}"#)
    }

    /// The JSON `affected` list, its agent entries alone, and the agents, for one query over one fleet.
    static func answer(_ query: String, inventory: String) throws -> (
        json: String, agentJSON: String, agents: Set<String>
    ) {
        let ref = try #require(ComponentRef(parsing: query), "\(query)")
        let outcome = try ImpactAnalysis.run(ImpactRequest(query: ref, queryText: "q", inventory: [inventory]))
        // Properties are left out: they carry what each copy's documents say in their own words (an MCP
        // server's config key, which the copies spell differently on purpose).
        let entries = (outcome.result.jsonValue()["affected"]?.arrayValue ?? []).map { entry -> JSONValue in
            guard case .object(var fields) = entry else { return entry }
            fields.removeAll { $0.0 == "properties" }
            return .object(fields)
        }
        let affected = JSONValue.array(entries)
        let agentEntries = entries.filter { $0["kind"]?.stringValue == "agent" }
        let agents = Set(agentEntries.compactMap { $0["ref"]?.stringValue })
        let writer = JSONWriter(indent: 2, sortKeys: true)
        return (writer.string(affected), writer.string(.array(agentEntries)), agents)
    }

    /// The questions, each asked in five spellings, and who the answer must name.
    static let questions: [(spellings: [String], agents: Set<String>)] = [
        (
            [
                "acme/base-llm", "model:acme/base-llm", "pkg:huggingface/acme/base-llm", "hf://acme/base-llm",
                "models--Acme--BASE-llm",
            ], ["agent:fraud-triage@1.0.0", "agent:web-researcher@2.0.0"]
        ),
        (
            [
                "dataset:acme/txns", "pkg:huggingface/datasets/acme/txns", "hf://datasets/acme/txns",
                "datasets--acme--txns", "https://huggingface.co/datasets/ACME/txns",
            ], ["agent:fraud-triage@1.0.0"]
        ),
        (
            [
                "pkg:npm/evil-fetch", "pkg:npm/Evil-Fetch", "pkg:npm/evil-fetch@1.0.0", "package:npm/evil-fetch",
                "pkg:npm/EVIL-FETCH@1.0.0",
            ],
            ["agent:web-researcher@2.0.0"]
        ),
        (
            [
                "pkg:pypi/mcp-server-fetch", "pkg:pypi/MCP_Server.Fetch", "pkg:pypi/mcp-server-fetch@1.0",
                "package:pypi/mcp_server_fetch", "pkg:pypi/mcp.server.fetch@1.0",
            ],
            ["agent:fraud-triage@1.0.0"]
        ),
    ]

    @Test func theSameFleetSpelledFiveWaysGivesTheSameAnswers() throws {
        var folders: [TemporaryFolder] = []
        for spelling in Self.spellings {
            let folder = try TemporaryFolder()
            try Self.writeFleet(spelling, in: folder)
            folders.append(folder)
        }
        // Every copy of the fleet gives the very same answer to one query; every spelling of the query reaches the
        // same agents by the same paths (the components listed besides agents include the node the query named,
        // which is the name-level node for a query without a version, so only the agents are compared there).
        for question in Self.questions {
            var agentReference: String?
            for query in question.spellings {
                var reference: String?
                for (copy, folder) in folders.enumerated() {
                    let answer = try Self.answer(query, inventory: folder.path)
                    #expect(answer.agents == question.agents, "copy \(copy + 1), query \(query)")
                    if let reference {
                        #expect(answer.json == reference, "copy \(copy + 1), query \(query)")
                    } else {
                        reference = answer.json
                    }
                    if let agentReference {
                        #expect(answer.agentJSON == agentReference, "copy \(copy + 1), query \(query)")
                    } else {
                        agentReference = answer.agentJSON
                    }
                }
            }
        }
    }

    @Test func twoServersCalledFetchAreTwoToolsEachReachingOnlyItsAgent() throws {
        let folder = try TemporaryFolder()
        try Self.writeFleet(Self.spellings[0], in: folder)  // both configs call their server `fetch`
        #expect(
            try Self.answer("tool:pkg:npm/evil-fetch@1.0.0", inventory: folder.path).agents == [
                "agent:web-researcher@2.0.0"
            ])
        #expect(
            try Self.answer("tool:pkg:pypi/mcp-server-fetch@1.0", inventory: folder.path).agents == [
                "agent:fraud-triage@1.0.0"
            ])
        // The config key is not an identity: nothing is called `tool:fetch`.
        #expect(try Self.answer("tool:fetch", inventory: folder.path).agents.isEmpty)
    }

    @Test(arguments: [("Org/Name", "org/name"), ("org/name", "ORG/NAME")])
    func theFirstDeclarationBySortedPathGivesTheSpelling(_ first: String, _ second: String) throws {
        let folder = try TemporaryFolder()
        // `a/` only mentions the model, before either declaration; `b/` declares it first, `c/` again.
        _ = try folder.write("a/stemma.yaml", "stemma: component/v1\nkind: agent\nname: user\nmodels: [\"Org/NAME\"]")
        _ = try folder.write("c/stemma.yaml", "stemma: component/v1\nkind: model\npurl: pkg:huggingface/\(second)")
        _ = try folder.write("b/stemma.yaml", "stemma: component/v1\nkind: model\nname: \(first)")
        let graph = Inventory().read([folder.path]).graph
        let models = graph.nodes.filter { $0.ref.kind == .model }
        #expect(models.map(\.ref.description) == ["pkg:huggingface/\(first)"])
        #expect(models.first?.sources.count == 3)
        let answer = try Self.answer("hf://oRg/nAmE", inventory: folder.path)
        #expect(answer.agents == ["agent:user"])
    }

    @Test func theAdapterTagMakesTheEdgeAnAdapter() throws {
        let folder = try TemporaryFolder()
        try Self.writeFleet(Self.spellings[4], in: folder)
        let graph = Inventory().read([folder.path]).graph
        let adapter = try #require(
            graph.id(
                of: ComponentRef(
                    kind: .model, ecosystem: "huggingface", name: "acme/fraud-lora", version: Self.revision.adapter)))
        let edges = graph.forward(adapter).map { "\($0.relation.rawValue) \(graph.node($0.node).ref)" }
        #expect(edges == ["adapter-of pkg:huggingface/acme/fraud-ft"])
    }

    @Test func everySpellingIsOneNodeWithTheDeclaredSpelling() throws {
        for (copy, spelling) in Self.spellings.enumerated() {
            let folder = try TemporaryFolder()
            try Self.writeFleet(spelling, in: folder)
            let graph = Inventory().read([folder.path]).graph
            let names = graph.nodes.map(\.ref.description)
            let repos = [
                ("acme/base-llm", Self.revision.base), ("acme/fraud-ft", Self.revision.fineTune),
                ("acme/fraud-lora", Self.revision.adapter),
            ]
            for (repo, revision) in repos {
                let nodes = names.filter { $0.lowercased().hasPrefix("pkg:huggingface/\(repo)") }
                let expected = ["pkg:huggingface/\(repo)", "pkg:huggingface/\(repo)@\(revision)"]
                #expect(nodes.sorted() == expected, "copy \(copy + 1)")
            }
            #expect(
                names.filter { $0.lowercased().contains("acme/txns") }.sorted() == [
                    "pkg:huggingface/datasets/acme/txns", "pkg:huggingface/datasets/acme/txns@\(Self.revision.dataset)",
                ], "copy \(copy + 1)")
            // One tool per package run, whatever the configs call the servers.
            #expect(
                names.filter { $0.hasPrefix("tool:") }.sorted() == [
                    "tool:pkg:npm/evil-fetch@1.0.0", "tool:pkg:pypi/mcp-server-fetch@1.0",
                ], "copy \(copy + 1)")
        }
    }
}
