public import StemmaCore
import StemmaCrypto
import StemmaInventory

/// Reads an inventory folder into one ``AgentPosture`` per agent. Files are recognised by location and content;
/// every file of an agent's folder (the folder of its `stemma.yaml`, or of the config that describes it)
/// belongs to that agent. A file that cannot be read is a warning naming it; the rest is read.
public struct FleetReader {
    static let maxFileBytes = 4 << 20

    /// A JWKS (`{"keys": [...]}`) to verify A2A card signatures against; nil leaves signed cards unverified.
    let jwks: JSONValue?

    /// A reader; `jwks` verifies A2A card signatures when given.
    public init(jwks: JSONValue? = nil) { self.jwks = jwks }

    /// The agents under `root`, sub-agents after their parents, and the warnings.
    ///
    /// A config file that cannot be parsed is a warning (the rest of the fleet is still assessed); one that
    /// crossed a bound Stemma sets (its size, JSON or TOML nesting, a list of tools, rules or servers) ends the
    /// run, since the grants past the bound would be missing from a report that looks complete.
    /// - Throws: ``StemmaError`` when the fleet cannot be listed, or (`limitExceeded`) for a config file not read
    ///   in full.
    public func read(root: String) throws(StemmaError) -> (agents: [AgentPosture], warnings: [String]) {
        let (files, walkWarnings) = try PostureFiles.list(root: root)
        var warnings = walkWarnings
        var groups: [String: AgentFiles] = [:]
        let manifestFolders = Set(files.filter { Self.name($0) == "stemma.yaml" }.map { Self.folder($0) })
        for path in files {
            guard let (kind, home) = Self.classify(path) else { continue }
            let bytes: [UInt8]
            // Any JSON or TOML file is tried; only files named as agent configs warn when they do not parse.
            let named = ["mcp", "agent", "tools-list", "settings", "codex", "config.toml", "stemma.y"]
            let tried = kind == .json || kind == .toml || kind == .yaml
            let isConfig = !tried || named.contains(where: { path.lowercased().contains($0) })
            do {
                bytes = try BoundedFile.read(root + "/" + path, maxBytes: Self.maxFileBytes)
            } catch {
                if isConfig && error.code == .limitExceeded { throw Self.notReadInFull(path, error) }
                warnings.append("'\(path)' \(error.message)")
                continue
            }
            let folder = Self.agentFolder(home, manifests: manifestFolders)
            do {
                try groups[folder, default: AgentFiles(folder: folder, jwks: jwks)].add(kind, path: path, bytes: bytes)
            } catch {
                if PostureBounds.isPartialList(error) || (isConfig && error.code == .limitExceeded) {
                    throw Self.notReadInFull(path, error)
                }
                if isConfig { warnings.append(error.message) }
            }
        }
        var agents: [AgentPosture] = []
        for folder in groups.keys.sorted() {
            guard let group = groups[folder], group.describesAgent else { continue }
            agents += group.agents()
        }
        return (agents, warnings)
    }

    /// The error for a config file that crossed a bound: it names the file, and says why no report is given.
    private static func notReadInFull(_ path: String, _ error: StemmaError) -> StemmaError {
        let named = error.message.contains(path) ? error.message : "'\(path)': \(error.message)"
        return StemmaError(
            .limitExceeded,
            "\(named); the file was not read in full, and a posture without its grants could rank "
                + "the agent as safer than it is")
    }

    enum Kind {
        case claudeSettings, claudeManaged, claudeAgent, copilotSetup, geminiSettings, geminiPolicy, cursorPermissions,
            codexRules, json, toml, yaml
    }

    /// What a file may be, and the folder of the agent it describes (before manifests are considered).
    static func classify(_ path: String) -> (Kind, String)? {
        let parts = path.split(separator: "/").map(String.init)
        let name = parts.last ?? path
        let parent = parts.count >= 2 ? parts[parts.count - 2] : ""
        let grand = parts.count >= 3 ? parts[parts.count - 3] : ""
        let up1 = parts.dropLast().joined(separator: "/")
        let up2 = parts.dropLast(2).joined(separator: "/")
        let up3 = parts.dropLast(3).joined(separator: "/")
        if parent == ".claude", name == "settings.json" || name == "settings.local.json" {
            return (.claudeSettings, up2)
        }
        if name == "managed-settings.json" {
            // Claude Code's managed layer: /etc/claude-code/ (Linux), /Library/Application Support/ClaudeCode/
            // (macOS); it belongs to the agent folder that holds that system folder.
            var folder = Array(parts.dropLast())
            for system in [["etc", "claude-code"], ["Library", "Application Support", "ClaudeCode"], ["claude-code"]]
            where folder.count >= system.count && Array(folder.suffix(system.count)) == system {
                folder.removeLast(system.count)
                break
            }
            return (.claudeManaged, folder.joined(separator: "/"))
        }
        if name == "copilot-setup-steps.yml" || name == "copilot-setup-steps.yaml", parent == "workflows",
            grand == ".github"
        {
            return (.copilotSetup, up3)
        }
        if parent == ".gemini", name == "settings.json" { return (.geminiSettings, up2) }
        if parent == "rules", grand == ".codex", name.hasSuffix(".rules") { return (.codexRules, up3) }
        if parent == ".cursor", name == "cli.json" || name == "permissions.json" { return (.cursorPermissions, up2) }
        if parent == "policies", grand == ".gemini", name.hasSuffix(".toml") { return (.geminiPolicy, up3) }
        // Gemini CLI admin policies: /etc/gemini-cli/policies (Linux), /Library/Application Support/GeminiCli/policies.
        if parent == "policies", name.hasSuffix(".toml"), let tier = GeminiAgent.adminFolder(parts) {
            return (.geminiPolicy, parts.prefix(parts.count - 2 - tier).joined(separator: "/"))
        }
        if parent == "agents", grand == ".claude" || grand == ".gemini" || grand == ".github", name.hasSuffix(".md") {
            return (.claudeAgent, up3)
        }
        let home = [".codex", ".cursor", ".vscode", ".well-known", ".gemini"].contains(parent) ? up2 : up1
        if name.hasSuffix(".json") { return (.json, home) }
        if name.hasSuffix(".toml") { return (.toml, home) }
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return (.yaml, home) }
        return nil
    }

    /// The folder of the nearest `stemma.yaml` at or above `home`, or `home` itself.
    static func agentFolder(_ home: String, manifests: Set<String>) -> String {
        var folder = home
        while true {
            if manifests.contains(folder) { return folder }
            if folder.isEmpty { return home }
            folder = Self.folder(folder)
        }
    }

    static func folder(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    static func name(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}

/// The files that describe one agent folder, read and waiting to be assembled.
struct AgentFiles {
    let folder: String
    let jwks: JSONValue?
    var sources: [PostureSourceFile] = []
    var settings = ClaudeCodeSettings()
    var subAgents: [AgentFile] = []
    var mcpServers: [MCPServerConfig] = []
    var mcpFacts: [PostureFact] = []
    var snapshots: [String: MCPToolSnapshot] = [:]
    var codex: [(TOMLTable, LineIndex, String)] = []
    var geminiSettings: [(JSONValue, LineIndex, String)] = []
    var geminiPolicies: [(TOMLTable, LineIndex, String)] = []
    var cursor: CursorAgent.Permissions?
    var copilotSetup: CopilotSetupSteps?
    /// Exported rulesets and branch protections (AP-CODE-1).
    var reviewGates: [ReviewGate] = []
    var codexRules: [(CodexRules.Rule, String)] = []
    var card: AgentCardPosture?
    var manifest: ManifestPosture?
    /// ADK and CrewAI agents, and ADK `config_path` links (child file, parent id).
    var frameworkAgents: [AgentPosture] = []
    var frameworkChildren: [(String, String)] = []

    var describesAgent: Bool {
        !settings.files.isEmpty || !subAgents.isEmpty || !mcpServers.isEmpty || !codex.isEmpty || card != nil
            || manifest != nil || !geminiSettings.isEmpty || !geminiPolicies.isEmpty || !frameworkAgents.isEmpty
            || cursor != nil || !codexRules.isEmpty || copilotSetup != nil
    }

    mutating func add(_ kind: FleetReader.Kind, path: String, bytes: [UInt8]) throws(StemmaError) {
        let text = LineIndex(bytes)
        var used = true
        switch kind {
        case .claudeSettings:
            try settings.merge(try JSONParser.parse(bytes, source: path), text: text, path: path)
        case .claudeManaged:
            try settings.merge(try JSONParser.parse(bytes, source: path), text: text, path: path, managed: true)
        case .copilotSetup:
            copilotSetup = try CopilotSetupSteps.read(bytes, path: path)
        case .codexRules:
            codexRules += try CodexRules.read(bytes, text: text, path: path).map { ($0, path) }
        case .cursorPermissions:
            let value = try JSONParser.parse(CursorAgent.stripComments(bytes), source: path)
            var permissions = cursor ?? CursorAgent.Permissions()
            CursorAgent.merge(value, text: text, path: path, into: &permissions)
            cursor = permissions
        case .geminiSettings:
            let value = try JSONParser.parse(bytes, source: path)
            _ = try MCPClientConfigReader.servers(value, path: path)  // the whole list, or exit 2
            geminiSettings.append((value, text, path))
        case .geminiPolicy:
            let table = try TOMLParser.parse(bytes, source: path)
            _ = try PostureBounds.whole(table["rule"]?.arrayValue, limit: 10_000, what: "policy rules", in: path)
            geminiPolicies.append((table, text, path))
        case .claudeAgent:
            subAgents.append(try AgentFile.read(bytes, path: path))
        case .json:
            let value = try JSONParser.parse(bytes, source: path)
            if let (servers, facts) = try MCPClientConfigReader.read(value, text: text, path: path) {
                mcpServers += servers
                mcpFacts += facts
            } else if let snapshot = try MCPToolSnapshot.parse(value, text: text, path: path) {
                let file = FleetReader.name(path)
                let key =
                    snapshot.server ?? (file.hasSuffix(".tools-list.json") ? String(file.dropLast(16)) : nil)
                if let key { snapshots[key] = snapshot } else { used = false }
            } else if let found = try AgentCardPosture.read(value, text: text, path: path) {
                card = found
            } else if let gate = ReviewGate.read(value, text: text, path: path) {
                reviewGates.append(gate)
            } else {
                used = false
            }
        case .toml:
            let table = try TOMLParser.parse(bytes, source: path)
            if CodexConfig.recognises(table) { codex.append((table, text, path)) } else { used = false }
        case .yaml:
            if let found = try ManifestPosture.read(bytes, path: path) {
                manifest = found
            } else if let document = try YAMLNode.documents(bytes, source: path).first,
                let (agents, children) = try FrameworkAgents.read(document, path: path)
            {
                frameworkAgents += agents
                frameworkChildren += children
            } else {
                used = false
            }
        }
        if used {
            let digest = try Digest.compute(.sha256, bytes)
            sources.append(PostureSourceFile(path: path, sha256: Hex.encode(digest)))
        }
    }
}
