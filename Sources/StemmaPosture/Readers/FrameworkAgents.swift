import StemmaCore

/// Agent-framework YAML: Google ADK Agent Config (`agent_class`, `name`, `tools[{name}]`,
/// `sub_agents[{config_path}]`) and CrewAI `agents.yaml` (one key per agent with `role` and `goal`;
/// `allow_code_execution`, `code_execution_mode`, `allow_delegation`, `tools`).
enum FrameworkAgents {
    /// ADK built-in tools (google/adk-python `tools/`): search and URL context read the open web; the code
    /// executors run model-written code.
    static let adkBuiltins: [String: [CapabilityClass]] = [
        "google_search": [.untrustedContentIn], "url_context": [.untrustedContentIn, .networkEgress],
        "load_web_page": [.untrustedContentIn, .networkEgress], "built_in_code_execution": [.codeExecution],
        "BuiltInCodeExecutor": [.codeExecution], "VertexAiSearchTool": [.sensitiveDataRead],
    ]

    /// The agents one YAML document describes, with ADK `config_path` children as (child file, parent id).
    /// - Throws: ``StemmaError`` (`limitExceeded`) for more than 10,000 tools or 1,000 sub-agents in one agent.
    static func read(
        _ node: YAMLNode, path: String
    ) throws(StemmaError) -> (agents: [AgentPosture], children: [(String, String)])? {
        if node["agent_class"] != nil || (node["name"] != nil && node["instruction"] != nil) {
            return try adk(node, path: path)
        }
        let crew = node.pairs.filter { $0.1["role"] != nil && $0.1["goal"] != nil }
        guard !crew.isEmpty, crew.count == node.pairs.count else { return nil }
        return (crew.map { crewAgent(key: $0.0, body: $0.1, path: path) }, [])
    }

    private static func adk(
        _ node: YAMLNode, path: String
    ) throws(StemmaError) -> (agents: [AgentPosture], children: [(String, String)]) {
        let name = node["name"]?.string
        let id = name ?? path
        var agent = AgentPosture(id: id, name: id, platforms: ["adk"], hasStableID: name != nil)
        agent.purpose = node["description"]?.string ?? node["instruction"]?.string
        agent.definedAt = SourceLocation(path: path, line: node["name"]?.line)
        for entry in try PostureBounds.whole(node["tools"]?.items, limit: 10_000, what: "ADK tools", in: path) {
            guard let tool = entry["name"]?.string ?? entry.string else { continue }
            let short = tool.split(separator: ".").last.map(String.init) ?? tool
            var classes: [CapabilityClass: CapabilityEvidence] = [:]
            if let known = adkBuiltins[short] {
                for capability in known { classes[capability] = .table }
            } else {
                for capability in CapabilityTable.heuristicClasses(forName: short) { classes[capability] = .heuristic }
            }
            agent.tools.append(
                ToolGrant(
                    server: nil, name: tool, classes: classes, classesUnknown: adkBuiltins[short] == nil,
                    approval: .unknown, source: SourceLocation(path: path, line: entry.line)))
        }
        var children: [(String, String)] = []
        for entry in try PostureBounds.whole(node["sub_agents"]?.items, limit: 1_000, what: "ADK sub-agents", in: path)
        {
            if let config = entry["config_path"]?.string {
                children.append(
                    (FleetReader.folder(path).isEmpty ? config : FleetReader.folder(path) + "/" + config, id))
                agent.tools.append(
                    ToolGrant(
                        server: nil, name: "transfer_to_agent", specifier: config, classes: [.subAgentSpawn: .table],
                        approval: .none, source: SourceLocation(path: path, line: entry.line)))
            }
        }
        return ([agent], children)
    }

    private static func crewAgent(key: String, body: YAMLNode, path: String) -> AgentPosture {
        var agent = AgentPosture(id: key, name: key, platforms: ["crewai"], hasStableID: true)
        agent.purpose = [body["role"]?.string, body["goal"]?.string].compactMap { $0 }.joined(separator: ": ")
        agent.definedAt = SourceLocation(path: path, line: body.line)
        if body["allow_code_execution"]?.bool == true {
            let mode = body["code_execution_mode"]?.string ?? "safe"
            agent.tools.append(
                ToolGrant(
                    server: nil, name: "CodeInterpreterTool", specifier: mode,
                    classes: mode == "unsafe" ? [.codeExecution: .table, .shell: .table] : [.codeExecution: .table],
                    approval: .none, source: SourceLocation(path: path, line: body["allow_code_execution"]?.line)))
        }
        if body["allow_delegation"]?.bool == true {
            agent.tools.append(
                ToolGrant(
                    server: nil, name: "DelegateWorkTool", classes: [.subAgentSpawn: .table], approval: .none,
                    source: SourceLocation(path: path, line: body["allow_delegation"]?.line)))
        }
        for entry in body["tools"]?.stringList ?? [] {
            let classes = ToolClassifier.builtin(platform: "crewai", tool: entry)
            agent.tools.append(
                ToolGrant(
                    server: nil, name: entry,
                    classes: classes
                        ?? Dictionary(
                            CapabilityTable.heuristicClasses(forName: entry).map { ($0, .heuristic) },
                            uniquingKeysWith: { a, _ in a }),
                    classesUnknown: classes == nil, approval: .unknown,
                    source: SourceLocation(path: path, line: body["tools"]?.line)))
        }
        return agent
    }
}
