/// The built-in capability table: platform tools and well-known MCP server packages, as data.
///
/// Sources (read for the agent-posture reference, `docs/architecture.md` names it):
/// - Claude Code tools: code.claude.com/docs/en/settings (tools available to Claude) and /permissions.
/// - Codex built-ins: openai/codex `codex-rs/core` (shell, apply_patch, web_search) at 000c857e; its `tools/`
///   handlers for unified exec (exec_command, write_stdin), shell_command, view_image and spawn_agents_on_csv.
/// - Gemini CLI built-ins: google-gemini/gemini-cli `docs/tools/*.md` at 5411f113.
/// - Copilot custom-agent aliases: github/docs `custom-agents-configuration.md` at 03e038c5.
/// - Cursor CLI permission tokens: cursor.com/docs/cli/reference/permissions.
/// - CrewAI tools: docs.crewai.com/concepts/tools.
/// - MCP reference servers: modelcontextprotocol/servers README (filesystem, fetch, git, github, slack, postgres,
///   puppeteer, memory, everything); class choices follow the reference's `capability-rules.json`.
public enum CapabilityTable {
    /// Built-in tools per platform.
    public static let builtins: [String: [String: [CapabilityClass]]] = [
        "claude-code": [
            "Bash": [.shell, .codeExecution], "PowerShell": [.shell, .codeExecution],
            "Read": [.filesystemRead], "Glob": [.filesystemRead], "Grep": [.filesystemRead], "LS": [.filesystemRead],
            "Edit": [.filesystemWrite], "Write": [.filesystemWrite], "MultiEdit": [.filesystemWrite],
            "NotebookEdit": [.filesystemWrite, .codeExecution],
            "WebFetch": [.networkEgress, .untrustedContentIn], "WebSearch": [.untrustedContentIn],
            "Agent": [.subAgentSpawn], "Task": [.subAgentSpawn],
        ],
        "codex": [
            "shell": [.shell, .codeExecution], "apply_patch": [.filesystemWrite],
            "read": [.filesystemRead], "web_search": [.untrustedContentIn, .networkEgress],
            "spawn_agent": [.subAgentSpawn], "spawn_agents_on_csv": [.subAgentSpawn],
            // Unified exec (newer Codex builds): a command in a PTY, and input written to a running one.
            "exec_command": [.shell, .codeExecution], "shell_command": [.shell, .codeExecution],
            "write_stdin": [.shell, .codeExecution], "view_image": [.filesystemRead],
        ],
        "gemini-cli": [
            "run_shell_command": [.shell, .codeExecution], "write_file": [.filesystemWrite],
            "replace": [.filesystemWrite], "read_file": [.filesystemRead], "read_many_files": [.filesystemRead],
            "glob": [.filesystemRead], "search_file_content": [.filesystemRead],
            "web_fetch": [.networkEgress, .untrustedContentIn], "google_web_search": [.untrustedContentIn],
        ],
        "copilot": [
            "execute": [.shell, .codeExecution], "edit": [.filesystemWrite], "read": [.filesystemRead],
            "search": [.filesystemRead], "agent": [.subAgentSpawn], "web": [.networkEgress, .untrustedContentIn],
        ],
        "cursor": [
            "Shell": [.shell, .codeExecution], "Read": [.filesystemRead], "Write": [.filesystemWrite],
            "WebFetch": [.networkEgress, .untrustedContentIn],
        ],
        "crewai": [
            "CodeInterpreterTool": [.codeExecution],
            "FileReadTool": [.filesystemRead, .sensitiveDataRead, .untrustedContentIn],
            "FileWriterTool": [.filesystemWrite, .externalSideEffect],
            "ScrapeWebsiteTool": [.untrustedContentIn, .networkEgress],
        ],
    ]

    /// Known MCP server packages (npm or PyPI name, without version) and the classes of every tool they serve.
    public static let mcpPackages: [String: [CapabilityClass]] = [
        "@modelcontextprotocol/server-filesystem": [
            .filesystemRead, .filesystemWrite, .sensitiveDataRead, .destructive,
        ],
        "mcp-server-fetch": [.networkEgress, .untrustedContentIn],
        "@modelcontextprotocol/server-fetch": [.networkEgress, .untrustedContentIn],
        "@modelcontextprotocol/server-github": [.sensitiveDataRead, .externalSideEffect, .untrustedContentIn],
        "@modelcontextprotocol/server-slack": [
            .sensitiveDataRead, .externalSideEffect, .networkEgress,
            .untrustedContentIn,
        ],
        "@modelcontextprotocol/server-postgres": [.sensitiveDataRead],
        "@modelcontextprotocol/server-puppeteer": [.networkEgress, .untrustedContentIn, .codeExecution],
        "@modelcontextprotocol/server-memory": [.filesystemWrite],
        "mcp-server-git": [.filesystemRead, .filesystemWrite],
        "@playwright/mcp": [.networkEgress, .untrustedContentIn, .codeExecution],
    ]

    /// Name keywords for the heuristic level (a token of the tool name starting with the keyword).
    static let keywords: [(CapabilityClass, [String])] = [
        (.destructive, ["delete", "remove", "drop", "destroy", "purge", "truncate", "wipe", "erase"]),
        (.codeExecution, ["exec", "eval", "python", "repl", "notebook", "interpreter", "sandbox"]),
        (.shell, ["shell", "bash", "terminal", "command"]),
        (.networkEgress, ["send", "post", "email", "webhook", "upload", "publish", "fetch", "http"]),
        (.untrustedContentIn, ["fetch", "browse", "scrape", "web", "inbox", "email", "crawl"]),
        (
            .sensitiveDataRead,
            ["account", "customer", "patient", "payroll", "transaction", "secret", "credential", "password", "pii"]
        ),
        (.externalSideEffect, ["write", "create", "update", "insert", "transfer", "pay", "merge", "deploy", "render"]),
        (.credentialAccess, ["token", "credential", "secret", "password"]),
    ]

    /// Classes a tool name suggests (low confidence; never alone decisive for a pass).
    static func heuristicClasses(forName name: String) -> [CapabilityClass] {
        let tokens = name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
        var result: [CapabilityClass] = []
        for (capability, words) in keywords
        where tokens.contains(where: { token in words.contains { token.hasPrefix($0) } }) {
            result.append(capability)
        }
        return result
    }

    /// The package a server launches (`npx -y @scope/pkg@1.2` → `@scope/pkg`), and whether a version is pinned.
    static func package(command: String?, args: [String]) -> (name: String, pinned: Bool)? {
        guard let command else { return nil }
        let launcher = command.split(separator: "/").last.map(String.init) ?? command
        guard ["npx", "uvx", "bunx", "pnpx"].contains(launcher) else { return nil }
        guard let spec = args.first(where: { !$0.hasPrefix("-") }) else { return nil }
        if launcher == "uvx" {
            let parts = spec.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
            return (String(parts[0]), spec.contains("=="))
        }
        // npm: `@scope/name@version` or `name@version`.
        let body = spec.hasPrefix("@") ? String(spec.dropFirst()) : spec
        if let at = body.firstIndex(of: "@") {
            let name = (spec.hasPrefix("@") ? "@" : "") + body[..<at]
            let version = body[body.index(after: at)...]
            let pinned = !version.isEmpty && version != "latest" && version.first?.isNumber == true
            return (name, pinned)
        }
        return (spec, false)
    }
}
