import StemmaCore
import StemmaTestSupport
import Testing

/// `stemma impact` fails loudly on inputs it could not read, names every affected component, and gates a build
/// with `--fail-on`; `bom` and `graph` refuse an empty graph unless `--allow-empty`. Run on the built binary.
@Suite struct ImpactGateTests {
    private let stemma: String
    private let repository: String
    private static let llama = "pkg:huggingface/meta-llama/Llama-3.1-8B"

    init() throws {
        stemma = try BuiltProducts.stemma()
        repository = BuiltProducts.repositoryRoot()
    }

    private func run(_ arguments: [String]) throws -> CommandResult {
        try Command.run(stemma, arguments, in: repository)
    }

    private func json(_ result: CommandResult) throws -> JSONValue {
        try JSONParser.parse(Array(result.standardOutput.utf8), source: "stdout")
    }

    // MARK: - Loud failures

    @Test func pathsThatDoNotExistOrHoldNothingExitTwo() throws {
        let empty = try TemporaryFolder()
        let prose = try TemporaryFolder()
        _ = try prose.write("notes/README.txt", "Nothing here is a manifest, a card or a lockfile.\n")
        let cases: [(arguments: [String], says: String)] = [
            (["impact", Self.llama, "--inventory", "/no/such/dir"], "'/no/such/dir' cannot be read"),
            (["impact", Self.llama, "--inventory", empty.path], "Stemma reads stemma.yaml manifests"),
            (["impact", Self.llama, "--inventory", prose.path], "was recognised"),
            (["impact", Self.llama, "--inventory", "README.md"], "'README.md' was recognised"),
            (["impact", Self.llama, "--inventory", "examples/fleet", "--inventory", empty.path], empty.path),
            (["impact", "--advisories", "README.md", "--inventory", "examples/fleet"], "holds no OSV advisory"),
            (["impact", "--advisories", empty.path, "--inventory", "examples/fleet"], "holds no OSV advisory"),
            (["impact", "--revoked", "/no/such/list", "--inventory", "examples/fleet"], "'/no/such/list'"),
            (["impact", "--revoked", "README.md", "--inventory", "examples/fleet"], "is not sha256:HEX"),
            (["bom", "--inventory", "/no/such/dir"], "cannot be read"),
            (["bom", "--inventory", empty.path], "was recognised"),
            (["bom", "--inventory", empty.path, "--format", "spdx"], "was recognised"),
            (["graph", "--inventory", "/no/such/dir"], "cannot be read"),
            (["graph", "--inventory", prose.path], "was recognised"),
        ]
        for (arguments, says) in cases {
            let result = try run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.standardOutput) \(result.standardError)")
            #expect(result.standardError.contains(says), "\(arguments): \(result.standardError)")
            #expect(
                result.standardOutput.isEmpty, "\(arguments) wrote a document: \(result.standardOutput.prefix(200))")
        }
    }

    @Test func allowEmptyWritesAnEmptyDocumentDatedByTheFolder() throws {
        let empty = try TemporaryFolder()
        let bom = try run(["bom", "--inventory", empty.path, "--allow-empty"])
        #expect(bom.status == 0, "\(bom.standardError)")
        let document = try json(bom)
        let timestamp = document["metadata"]?["timestamp"]?.stringValue ?? ""
        #expect(!timestamp.isEmpty && !timestamp.hasPrefix("1970"), "\(timestamp)")
        #expect((document["components"]?.arrayValue ?? []).isEmpty)
        let spdx = try run(["bom", "--inventory", empty.path, "--allow-empty", "--format", "spdx"])
        #expect(spdx.status == 0 && !spdx.standardOutput.contains("1970-01-01"), "\(spdx.standardError)")
        let graph = try run(["graph", "--inventory", empty.path, "--allow-empty"])
        #expect(graph.status == 0, "\(graph.standardError)")
        #expect(try json(graph)["nodes"]?.arrayValue?.isEmpty == true)
        // --allow-empty never excuses a path that is not there.
        #expect(try run(["graph", "--inventory", "/no/such/dir", "--allow-empty"]).status == 2)
    }

    @Test func aMistypedQueryIsAnAnswerThatNamesTheNearestRefs() throws {
        let result = try run([
            "impact", "pkg:huggingface/meta-lama/Llama-3.1-8B", "--inventory", "examples/fleet", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let warning = try json(result)["warnings"]?.arrayValue?.compactMap(\.stringValue).first {
            $0.hasPrefix("query:")
        }
        #expect(warning?.contains("is not in the inventory; nearest: \(Self.llama)") == true, "\(warning ?? "")")
        #expect(result.standardError.contains("nearest: \(Self.llama)"))
        // The last name segment finds the component under another owner or spelling.
        let text = try run(["impact", "model:Llama-3.1-8B", "--inventory", "examples/fleet"])
        #expect(text.status == 0 && text.standardOutput.contains("nearest: \(Self.llama)"), "\(text.standardOutput)")
        // Nothing near: no suggestion, still an answer.
        let far = try run(["impact", "pkg:npm/left-pad", "--inventory", "examples/fleet", "--format", "json"])
        #expect(
            far.status == 0 && far.standardError.contains("is not in the inventory")
                && !far.standardError.contains("nearest"))
    }

    @Test func aPipFreezeRequirementsFileIsReadAsPinnedPackages() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("bot/stemma.yaml", "stemma: component/v1\nkind: agent\nname: bot\nversion: 1.0.0\n")
        _ = try folder.write(
            "bot/requirements.txt",
            """
            # pip freeze output
            requests==2.32.3
            langchain==0.0.130 ; python_version >= "3.8"
            -e git+https://github.com/acme/tool.git@abc123#egg=acme-tool
            torch @ file:///wheels/torch-2.5.1-cp312-none-linux_x86_64.whl

            """)
        let result = try run(["impact", "pkg:pypi/langchain@0.0.130", "--inventory", folder.path, "--format", "json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try json(result)
        #expect(report["affected"]?.arrayValue?.first?["ref"] == .string("agent:bot@1.0.0"))
        #expect(!(report["warnings"]?.arrayValue ?? []).contains { $0.stringValue?.contains("--hash") == true })
        let graph = try json(try run(["graph", "--inventory", folder.path]))
        let refs = Set(graph["nodes"]?.arrayValue?.compactMap { $0["ref"]?.stringValue } ?? [])
        #expect(refs.isSuperset(of: ["pkg:pypi/requests@2.32.3", "pkg:pypi/acme-tool", "pkg:pypi/torch"]), "\(refs)")
    }

    @Test func distributionAdvisoriesAndOSPackagesThatCannotBeMatchedAreNamed() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write(
            "image/bom.cdx.json",
            #"""
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [
              {"type": "library", "bom-ref": "a", "name": "openssl", "version": "3.0.11-1~deb12u1",
               "purl": "pkg:deb/debian/openssl@3.0.11-1~deb12u1"},
              {"type": "library", "bom-ref": "b", "name": "requests", "version": "2.32.3",
               "purl": "pkg:pypi/requests@2.32.3"}]}
            """#)
        let advisories = try TemporaryFolder()
        _ = try advisories.write(
            "DSA-5532-1.json",
            #"""
            {"schema_version": "1.6.0", "id": "DSA-5532-1", "modified": "2024-01-01T00:00:00Z",
             "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u2"}]}]}]}
            """#)
        let result = try run([
            "impact", "--advisories", advisories.path, "--inventory", folder.path, "--format", "json",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let warnings = (try json(result)["warnings"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(
            warnings.contains { $0.contains("OS distribution 'Debian'") && $0.contains("not matched") }, "\(warnings)")
        #expect(warnings.contains { $0.contains("1 pkg:deb component(s)") }, "\(warnings)")
    }

    // MARK: - Everything affected, and --kind

    @Test func affectedNamesEveryComponentWithItsKindAgentsFirst() throws {
        let result = try run(["impact", Self.llama, "--inventory", "examples/fleet", "--format", "json"])
        let report = try json(result)
        #expect(report["schemaVersion"] == .integer(2))
        let affected = report["affected"]?.arrayValue ?? []
        let kinds = affected.compactMap { $0["kind"]?.stringValue }
        #expect(kinds.filter { $0 == "agent" }.count == 22)
        #expect(Set(kinds).isSuperset(of: ["agent", "model"]))
        #expect(kinds.firstIndex { $0 != "agent" } == 22, "agents come first")
        #expect(report["affectedAgents"] == .integer(22))
        #expect(report["affectedComponents"] == .integer(affected.count - 22))
        let refs = affected.compactMap { $0["ref"]?.stringValue }
        #expect(
            refs.contains("pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@5e345a9c1963bc55d65ce7e861caf89c75d8331f"))

        for kind in ["model", "agent", "dataset", "package", "tool"] {
            let filtered = try json(
                try run(["impact", Self.llama, "--inventory", "examples/fleet", "--format", "json", "--kind", kind]))
            let listed = filtered["affected"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
            #expect(listed.allSatisfy { $0 == kind }, "\(kind): \(listed)")
            #expect(listed.count == kinds.filter { $0 == kind }.count, "\(kind)")
            #expect(filtered["affectedAgents"] == .integer(22))
        }
        let text = try run(["impact", Self.llama, "--inventory", "examples/fleet", "--kind", "model"])
        #expect(text.standardOutput.contains("other affected components ("))
        #expect(text.standardOutput.contains("critical model pkg:huggingface/meta-llama/Llama-3.1-8B-Instruct@"))
        #expect(try run(["impact", Self.llama, "--inventory", "examples/fleet", "--kind", "agents"]).status == 2)
    }

    @Test func aHubCacheWithoutAgentsNamesItsModels() throws {
        let folder = try TemporaryFolder()
        _ = try folder.write("hub/models--acme--base/snapshots/r1/README.md", "---\nlicense: mit\n---\n")
        _ = try folder.write("hub/models--acme--ft/snapshots/r2/README.md", "---\nbase_model: acme/base\n---\n")
        let report = try json(
            try run(["impact", "pkg:huggingface/acme/base", "--inventory", folder.path, "--format", "json"]))
        let models = report["affected"]?.arrayValue?.filter { $0["kind"] == .string("model") } ?? []
        #expect(models.contains { $0["ref"]?.stringValue?.hasPrefix("pkg:huggingface/acme/ft") == true }, "\(report)")
        #expect(report["affectedAgents"] == .integer(0))
    }

    // MARK: - The gate

    @Test(arguments: [
        // (assumed severity of the query, --fail-on, expected status)
        ("critical", "critical", 1), ("critical", "low", 1), ("critical", "any", 1),
        ("medium", "critical", 0), ("medium", "high", 0), ("medium", "medium", 1), ("medium", "low", 1),
        ("medium", "any", 1), ("low", "medium", 0), ("low", "low", 1),
    ])
    func failOnGatesOnTheAffectedAgents(assumed: String, failOn: String, status: Int32) throws {
        let result = try run([
            "impact", Self.llama, "--inventory", "examples/fleet", "--assume-severity", assumed, "--fail-on", failOn,
            "--format", "json",
        ])
        #expect(result.status == status, "\(assumed) --fail-on \(failOn): \(result.standardError)")
        // The answer is printed whatever the gate says.
        #expect(try json(result)["affectedAgents"] == .integer(22))
        #expect(result.standardError.contains("22 affected agents at or above --fail-on \(failOn)") == (status == 1))
    }

    @Test func failOnFailsClosedOnUnknownSeverityAndPassesWhenNoAgentIsReached() throws {
        // The example advisory carries no severity: it may be critical, so every level fails.
        for level in ["critical", "high", "medium", "low", "any"] {
            let result = try run([
                "impact", "--advisories", "examples/fleet/advisories", "--inventory", "examples/fleet", "--fail-on",
                level,
            ])
            #expect(result.status == 1, "\(level): \(result.standardError)")
            #expect(result.standardOutput.contains("9 agents affected"))
        }
        // A component no agent depends on, and a query that matches nothing, pass the gate.
        for query in ["pkg:huggingface/meta-lama/Llama-3.1-8B", "pkg:npm/left-pad"] {
            let result = try run(["impact", query, "--inventory", "examples/fleet", "--fail-on", "any"])
            #expect(result.status == 0, "\(query): \(result.standardError)")
        }
        #expect(try run(["impact", Self.llama, "--inventory", "examples/fleet", "--fail-on", "severe"]).status == 2)
    }

    @Test func theOldSeveritySpellingStillWorksAndWarns() throws {
        let old = try run([
            "impact", Self.llama, "--inventory", "examples/fleet", "--severity", "low", "--fail-on", "medium",
        ])
        #expect(old.status == 0, "\(old.standardError)")
        #expect(old.standardError.contains("--severity is deprecated"))
        #expect(old.standardError.contains("--assume-severity"))
        #expect(old.standardOutput.contains("  low agent:"))
        let help = try run(["impact", "--help"])
        #expect(help.standardOutput.contains("--assume-severity") && !help.standardOutput.contains("--severity <"))
        let both = try run([
            "impact", Self.llama, "--inventory", "examples/fleet", "--severity", "low", "--assume-severity", "low",
        ])
        #expect(both.status == 2)
    }
}
