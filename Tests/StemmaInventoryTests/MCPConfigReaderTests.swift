import StemmaGraph
import StemmaInventory
import Testing

@Suite struct MCPConfigReaderTests {
    /// Each edge as `FROM relation TO (status)`, the folder origin written `agent-of(FOLDER)`.
    private func edges(_ fragment: InventoryFragment) -> [String] {
        fragment.edges.map { edge in
            let from: String
            switch edge.from {
            case .component(let ref): from = ref.description
            case .agentOfFolder(let folder): from = "agent-of(\(folder))"
            }
            return "\(from) \(edge.relation.rawValue) \(edge.to) (\(edge.evidence.status.rawValue))"
        }
    }

    private func properties(_ fragment: InventoryFragment) -> [String: [String: String]] {
        Dictionary(uniqueKeysWithValues: fragment.components.map { ($0.ref.description, $0.properties) })
    }

    @Test func readsAClaudeDesktopConfig() throws {
        let path = FormatFixture.path("mcp.claude_desktop_config.json")
        let bytes = try FormatFixture.bytes("mcp.claude_desktop_config.json")
        #expect(MCPConfigReader.recognizes(path: path, head: bytes))
        let fragment = MCPConfigReader.read(path: path, bytes: bytes)
        #expect(fragment.warnings.isEmpty)
        let folder = FormatFixture.folder
        #expect(
            edges(fragment) == [
                "agent-of(\(folder)) uses-tool tool:pkg:npm/@modelcontextprotocol/server-filesystem (declared)",
                "tool:pkg:npm/@modelcontextprotocol/server-filesystem requires-package pkg:npm/@modelcontextprotocol/server-filesystem (inferred)",
                "agent-of(\(folder)) uses-tool tool:pkg:pypi/mcp-server-fetch@2025.4.7 (declared)",
                "tool:pkg:pypi/mcp-server-fetch@2025.4.7 requires-package pkg:pypi/mcp-server-fetch@2025.4.7 (inferred)",
                "agent-of(\(folder)) uses-tool tool:pkg:oci/ghcr.io/github/github-mcp-server (declared)",
                "tool:pkg:oci/ghcr.io/github/github-mcp-server requires-package pkg:oci/ghcr.io/github/github-mcp-server (inferred)",
                "agent-of(\(folder)) uses-tool tool:\(folder)#vector-kb (declared)",
            ])
        #expect(
            properties(fragment) == [
                "tool:pkg:npm/@modelcontextprotocol/server-filesystem": [
                    "format": "mcp-config", "server-name": "filesystem", "transport": "stdio", "command": "npx",
                    "pinned": "false",
                    "package": "pkg:npm/@modelcontextprotocol/server-filesystem",
                ],
                "tool:pkg:pypi/mcp-server-fetch@2025.4.7": [
                    "format": "mcp-config", "server-name": "fetch", "transport": "stdio", "command": "uvx",
                    "pinned": "true",
                    "package": "pkg:pypi/mcp-server-fetch@2025.4.7",
                ],
                "tool:pkg:oci/ghcr.io/github/github-mcp-server": [
                    "format": "mcp-config", "server-name": "github", "transport": "stdio", "command": "docker",
                    "pinned": "false",
                    "package": "pkg:oci/ghcr.io/github/github-mcp-server", "env": "GITHUB_PERSONAL_ACCESS_TOKEN",
                ],
                "tool:\(folder)#vector-kb": [
                    "format": "mcp-config", "server-name": "vector-kb", "transport": "stdio", "command": "python",
                    "module": "acme_kb_mcp",
                    "env": "OPENAI_API_KEY",
                ],
            ])
    }

    @Test func readsAClaudeCodeProjectConfigWithoutItsSecrets() throws {
        let path = FormatFixture.path("mcp.project.mcp.json")
        let fragment = MCPConfigReader.read(path: path, bytes: try FormatFixture.bytes("mcp.project.mcp.json"))
        #expect(fragment.warnings.isEmpty)
        let folder = FormatFixture.folder
        #expect(
            properties(fragment) == [
                "tool:https://example.com/mcp": [
                    "format": "mcp-config", "server-name": "shared-server", "transport": "http",
                    "url": "https://example.com/mcp", "headers": "Authorization",
                ],
                "tool:https://mcp.example.org/sse": [
                    "format": "mcp-config", "server-name": "legacy-remote", "transport": "sse",
                    "url": "https://mcp.example.org/sse",
                ],
                "tool:\(folder)#local-db": [
                    "format": "mcp-config", "server-name": "local-db", "transport": "stdio", "command": "node",
                    "env": "DATABASE_URL",
                ],
            ])
        let values = fragment.components.flatMap(\.properties.values)
        #expect(!values.contains { $0.contains("Bearer") || $0.contains("postgres://") || $0.contains("API_TOKEN") })
        #expect(fragment.edges.allSatisfy { $0.relation == .usesTool })
    }

    @Test func readsAVSCodeConfig() throws {
        let path = FormatFixture.path("mcp.vscode.mcp.json")
        let fragment = MCPConfigReader.read(path: path, bytes: try FormatFixture.bytes("mcp.vscode.mcp.json"))
        #expect(fragment.warnings.isEmpty)
        let folder = FormatFixture.folder
        #expect(
            edges(fragment) == [
                "agent-of(\(folder)) uses-tool tool:pkg:npm/server-perplexity-ask@0.1.3 (declared)",
                "tool:pkg:npm/server-perplexity-ask@0.1.3 requires-package pkg:npm/server-perplexity-ask@0.1.3 (inferred)",
                "agent-of(\(folder)) uses-tool tool:https://api.githubcopilot.com/mcp (declared)",
            ])
        let perplexity = properties(fragment)["tool:pkg:npm/server-perplexity-ask@0.1.3"]
        #expect(perplexity?["pinned"] == "true")
        #expect(perplexity?["env"] == "PERPLEXITY_API_KEY")
        #expect(perplexity?["server-name"] == "perplexity")
        #expect(
            properties(fragment)["tool:https://api.githubcopilot.com/mcp"]?["url"]
                == "https://api.githubcopilot.com/mcp/")
    }

    @Test func readsARegistryServerJSON() throws {
        let path = FormatFixture.path("mcp.registry.server.json")
        let bytes = try FormatFixture.bytes("mcp.registry.server.json")
        #expect(MCPConfigReader.recognizes(path: path, head: bytes))
        let fragment = MCPConfigReader.read(path: path, bytes: bytes)
        #expect(
            edges(fragment) == [
                "tool:io.github.acme-corp/acme-kb@1.4.0 requires-package pkg:pypi/acme-kb-mcp@1.4.0 (declared)"
            ])
        let tool = try #require(fragment.components.first)
        #expect(tool.artifacts.isEmpty)  // the bundle's fileSha256 is a run of zeros: a placeholder
        #expect(fragment.warnings.count == 1)
        #expect(
            tool.properties == [
                "format": "mcp-server.json", "title": "Acme knowledge base",
                "description": "Retrieval over Acme support tickets", "url": "https://kb.acme.example/mcp",
            ])
    }

    @Test func recognisedByContentNotName() throws {
        for name in ["mcp.claude_desktop_config.json", "mcp.project.mcp.json", "mcp.vscode.mcp.json"] {
            #expect(MCPConfigReader.recognizes(path: "settings.txt", head: try FormatFixture.bytes(name)))
        }
        let padded = Array(#"{"mcpServers": {"a": {"command": "npx", "args": ["#.utf8)
        #expect(MCPConfigReader.recognizes(path: "big.json", head: padded + [UInt8](repeating: 0x20, count: 70_000)))
    }

    @Test(arguments: [
        #"{"servers": ["db1", "db2"]}"#, #"{"servers": {"a": {"host": "db"}}}"#,
        #"{"name": "left-pad", "version": "1.0.0", "description": "pads"}"#, #"[{"mcpServers": {}}]"#,
        #"{"mcpServers": 5}"#,
    ])
    func otherJSONIsNotAnMCPConfig(json: String) {
        #expect(!MCPConfigReader.recognizes(path: "mcp.json", head: Array(json.utf8)))
    }

    @Test(arguments: ["a2a-agent-card.v1.0.spec-sample.json", "croissant.example.json"])
    func otherFormatsAreNotMCPConfigs(name: String) throws {
        #expect(!MCPConfigReader.recognizes(path: name, head: try FormatFixture.bytes(name)))
    }

    @Test func malformedConfigsGiveWarnings() {
        let broken = MCPConfigReader.read(path: "m.json", bytes: Array(#"{"mcpServers": {"#.utf8))
        #expect(broken.warnings.map(\.source) == ["m.json"])
        let odd = MCPConfigReader.read(path: "m.json", bytes: Array(#"{"mcpServers": {"a": 1, "b": {}}}"#.utf8))
        #expect(odd.warnings.count == 2)
        #expect(odd.components.map(\.ref.description) == ["tool:.#b"])
    }

    @Test func remoteURLsLoseTheirCredentials() {
        let json = #"{"mcpServers": {"r": {"url": "https://me:pw@mcp.example/v1?token=abc"}}}"#
        let fragment = MCPConfigReader.read(path: "m.json", bytes: Array(json.utf8))
        #expect(fragment.components.first?.properties["url"] == "https://mcp.example/v1")
    }

    @Test(arguments: [
        ("npx", ["-y", "@modelcontextprotocol/server-github"], "pkg:npm/@modelcontextprotocol/server-github", false),
        ("npx", ["-y", "pkg@latest"], "pkg:npm/pkg", false),
        ("npx", ["pkg@^1.2.0"], "pkg:npm/pkg", false),
        ("npx", ["--yes", "--package=@scope/Tool@1.2.3", "tool-bin"], "pkg:npm/@scope/tool@1.2.3", true),
        ("/usr/local/bin/npx", ["-y", "--", "srv@0.4.0", "--flag"], "pkg:npm/srv@0.4.0", true),
        ("npx.cmd", ["-y", "srv"], "pkg:npm/srv", false),
        ("cmd", ["/c", "npx", "-y", "srv@1.0.0"], "pkg:npm/srv@1.0.0", true),
        ("pnpm", ["dlx", "srv@2.0.0"], "pkg:npm/srv@2.0.0", true),
        ("uvx", ["mcp-server-git"], "pkg:pypi/mcp-server-git", false),
        ("uvx", ["--from", "Acme_KB[cli]==1.4.0", "acme-kb"], "pkg:pypi/acme-kb@1.4.0", true),
        ("uvx", ["--python", "3.12", "mcp-server-time@2025.1.1"], "pkg:pypi/mcp-server-time@2025.1.1", true),
        ("uv", ["tool", "run", "srv>=1.0"], "pkg:pypi/srv", false),
        ("pipx", ["run", "--spec", "srv==3.0", "srv-cli"], "pkg:pypi/srv@3.0", true),
        ("docker", ["run", "-i", "--rm", "-e", "TOKEN", "mcp/fetch"], "pkg:oci/mcp/fetch", false),
        ("docker", ["run", "--name=x", "-v", "/a:/b", "ghcr.io/o/i:1.2"], "pkg:oci/ghcr.io/o/i@1.2", false),
        ("docker", ["run", "localhost:5000/img@sha256:abc"], "pkg:oci/localhost:5000/img@sha256:abc", true),
        ("podman", ["run", "-it", "quay.io/o/i:v1@sha256:ff"], "pkg:oci/quay.io/o/i@sha256:ff", true),
        // A whole command line in `command`, a shell's -c line, a launcher path with a space, value flags the
        // first list missed: each was a local tool named by its key, so a query for the package missed the agent.
        ("npx -y evil-f", [], "pkg:npm/evil-f", false),
        ("bash", ["-c", "uvx mcp-server-fetch==1.0"], "pkg:pypi/mcp-server-fetch@1.0", true),
        (#"C:\Program Files\nodejs\npx.cmd"#, ["-y", "srv"], "pkg:npm/srv", false),
        ("docker", ["--context", "prod", "run", "-i", "mcp/fetch"], "pkg:oci/mcp/fetch", false),
        (
            "docker", ["run", "-a", "stdin", "--volumes-from", "data", "--sysctl", "x=1", "mcp/git"], "pkg:oci/mcp/git",
            false
        ),
    ])
    func launchCommandsNameTheirPackage(command: String, arguments: [String], ref: String, pinned: Bool) throws {
        let launched = try #require(MCPLaunchCommand.package(command: command, arguments: arguments))
        #expect(launched.ref.description == ref)
        #expect(launched.pinned == pinned)
    }

    @Test(arguments: [
        ("python", ["-m", "acme_kb_mcp"]), ("node", ["./server.js"]), ("npx", ["./local-dir"]),
        ("npx", ["github:org/repo"]), ("uvx", ["git+https://github.com/o/r"]), ("docker", ["ps"]),
        ("npx", ["-y"]), ("/opt/bin/my-server", ["--port", "1"]),
    ])
    func localOrUnresolvableCommandsNameNoPackage(command: String, arguments: [String]) {
        #expect(MCPLaunchCommand.package(command: command, arguments: arguments) == nil)
    }
}
