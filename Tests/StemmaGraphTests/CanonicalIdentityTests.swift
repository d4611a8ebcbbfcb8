import StemmaGraph
import Testing

/// Every spelling of one component is one identity (`docs/component-manifest.md`, "Identity").
@Suite struct CanonicalIdentityTests {
    static let modelSpellings = [
        "meta-llama/Llama-3.1-8B", "model:meta-llama/Llama-3.1-8B", "pkg:huggingface/meta-llama/Llama-3.1-8B",
        "hf://meta-llama/Llama-3.1-8B", "hf://models/meta-llama/Llama-3.1-8B", "models--meta-llama--Llama-3.1-8B",
        "https://huggingface.co/meta-llama/Llama-3.1-8B", "HTTPS://WWW.HuggingFace.co/meta-llama/Llama-3.1-8B?x=1#y",
        "package:huggingface/meta-llama/Llama-3.1-8B",
        "META-LLAMA/llama-3.1-8b", "pkg:huggingface/Meta-Llama/LLAMA-3.1-8B",
        // The purl spec's parsing rules: the scheme is case-insensitive, leading and trailing slashes are dropped.
        "pkg:huggingface/meta-llama/Llama-3.1-8B/", "PKG:huggingface/meta-llama/Llama-3.1-8B",
        "pkg://huggingface/meta-llama/Llama-3.1-8B", "pkg:huggingface/meta-llama/Llama-3.1-8B/?x=1",
    ]

    static let datasetSpellings = [
        "dataset:acme-ml/aml-alerts", "pkg:huggingface/datasets/acme-ml/aml-alerts", "hf://datasets/acme-ml/aml-alerts",
        "datasets--acme-ml--aml-alerts", "https://huggingface.co/datasets/acme-ml/aml-alerts",
        "dataset:ACME-ML/AML-Alerts", "pkg:huggingface/datasets/acme-ml/aml-alerts/",
    ]

    @Test(arguments: modelSpellings)
    func everyModelSpellingIsOneIdentity(_ spelling: String) throws {
        let ref = try #require(ComponentRef(parsing: spelling))
        let canonical = try #require(ComponentRef(parsing: "pkg:huggingface/meta-llama/Llama-3.1-8B"))
        #expect(ref == canonical)
        #expect(ref.hashValue == canonical.hashValue)
        #expect(ref.kind == .model && ref.ecosystem == "huggingface" && ref.version == nil)
        #expect(Set([ref, canonical]).count == 1)
    }

    @Test(arguments: datasetSpellings)
    func everyDatasetSpellingIsOneIdentity(_ spelling: String) throws {
        let ref = try #require(ComponentRef(parsing: spelling))
        #expect(ref == ComponentRef(kind: .dataset, ecosystem: "huggingface", name: "acme-ml/aml-alerts"))
        #expect(ref.kind == .dataset)
        // A dataset is not the model of the same name.
        #expect(ref != ComponentRef(kind: .model, ecosystem: "huggingface", name: "acme-ml/aml-alerts"))
    }

    @Test func aBareHubIdInAManifestListIsTheHubModel() throws {
        let listed = try #require(ComponentRef(parsing: "meta-llama/Llama-3.1-8B", defaultKind: .model))
        #expect(listed.description == "pkg:huggingface/meta-llama/Llama-3.1-8B")
        let dataset = try #require(ComponentRef(parsing: "acme-ml/aml-alerts", defaultKind: .dataset))
        #expect(dataset.description == "pkg:huggingface/datasets/acme-ml/aml-alerts")
        // Names that are not Hub ids stay local names.
        #expect(ComponentRef(parsing: "fraud-v3", defaultKind: .model)?.description == "model:fraud-v3")
        #expect(ComponentRef(parsing: "a/b/c", defaultKind: .model)?.description == "model:a/b/c")
        #expect(ComponentRef(parsing: "corpus:acme/kb")?.description == "corpus:acme/kb")
    }

    @Test func aSpellingThatDoesNotSayTakesTheKindOfWhereItIsWritten() throws {
        #expect(ComponentRef(parsing: "hf://acme/txns", defaultKind: .dataset)?.kind == .dataset)
        #expect(ComponentRef(parsing: "dataset:hf://acme/txns")?.description == "pkg:huggingface/datasets/acme/txns")
        #expect(ComponentRef(parsing: "hf://acme/txns")?.kind == .model)
        // A spelling that says it is a dataset is one wherever it is written.
        #expect(ComponentRef(parsing: "model:datasets--acme--txns")?.kind == .dataset)
        #expect(ComponentRef(parsing: "hf://datasets/acme/txns", defaultKind: .model)?.kind == .dataset)
    }

    @Test func revisionsComeAlongAndCommitHashesAreLowercase() throws {
        let hash = "0E9E39F249A16976918F6564B8830BC894C89659"
        let spellings = [
            "pkg:huggingface/org/name@\(hash)", "model:org/name@\(hash)", "hf://org/name@\(hash)/config.json",
            "https://huggingface.co/org/name/tree/\(hash)",
        ]
        for spelling in spellings {
            let ref = try #require(ComponentRef(parsing: spelling), "\(spelling)")
            #expect(ref.description == "pkg:huggingface/org/name@\(hash.lowercased())", "\(spelling)")
        }
        // A branch name is not a hash, and git branch names are case-sensitive.
        #expect(ComponentRef(parsing: "hf://org/name@Main")?.version == "Main")
    }

    @Test func theNodeKeepsTheSpellingItWasGiven() throws {
        let ref = try #require(ComponentRef(parsing: "hf://Meta-Llama/Llama-3.1-8B"))
        #expect(ref.description == "pkg:huggingface/Meta-Llama/Llama-3.1-8B")
    }

    @Test(arguments: [
        ("pkg:pypi/Mcp_Server.Fetch@1.0", "pkg:pypi/mcp-server-fetch@1.0"),
        ("pkg:npm/%40Scope/Evil-Fetch@1.0.0", "pkg:npm/@scope/evil-fetch@1.0.0"),
        ("pkg:github/Anthropics/Claude-Code", "pkg:github/anthropics/claude-code"),
        ("pkg:composer/Laravel/Framework", "pkg:composer/laravel/framework"),
        ("pkg:docker/library/Python@3.12", "pkg:oci/python@3.12"),
        ("pkg:oci/docker.io/mcp/fetch@SHA256:ABCD", "pkg:oci/mcp/fetch@sha256:abcd"),
        ("pkg:oci/ghcr.io/Org/Img", "pkg:oci/ghcr.io/org/img"),
        ("pkg:maven/org.Apache/Commons@1", "pkg:maven/org.Apache/Commons@1"),
        ("pkg:gem/Rails@7", "pkg:gem/Rails@7"),
    ])
    func purlTypesFollowTheirOwnCaseRules(_ text: String, _ expected: String) throws {
        #expect(try #require(ComponentRef(parsing: text)).description == expected)
    }

    @Test func aToolNamedByItsPackageRoundTrips() throws {
        let tool = ComponentRef(kind: .tool, ecosystem: "npm", name: "evil-fetch", version: "1.0.0")
        #expect(tool.description == "tool:pkg:npm/evil-fetch@1.0.0")
        #expect(ComponentRef(parsing: tool.description) == tool)
        #expect(tool != ComponentRef(kind: .package, ecosystem: "npm", name: "evil-fetch", version: "1.0.0"))
        let remote = try #require(ComponentRef(parsing: "tool:https://mcp.example.com/sse"))
        #expect(remote.kind == .tool && remote.name == "https://mcp.example.com/sse")
    }

    @Test(arguments: ["hf://spaces/org/app", "hf://org", "models--", "hf://org/na me", "org/na--me", "a/b/c"])
    func spellingsThatAreNotRepositoriesAreRefused(_ text: String) {
        #expect(ComponentRef(parsing: text) == nil)
    }
}
