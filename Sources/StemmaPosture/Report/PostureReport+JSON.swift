public import StemmaCore

extension PostureReport {
    /// The report in `schemas/posture-report.schema.json`.
    public func jsonValue() -> JSONValue {
        let children = Dictionary(grouping: agents.filter { $0.agent.parent != nil }, by: { $0.agent.parent ?? "" })
        return .object([
            ("schema", .string("stemma/posture-report/v1")),
            ("agents", .array(agents.map { agentJSON($0, children: children[$0.agent.id] ?? []) })),
            ("runs", runsJSON()),
            ("warnings", .array(warnings.map(JSONValue.string))),
        ])
    }

    private func agentJSON(_ result: AgentPostureResult, children: [AgentPostureResult]) -> JSONValue {
        let agent = result.agent
        let sources: [JSONValue] = agent.sources.map {
            .object([("path", .string($0.path)), ("sha256", .string($0.sha256))])
        }
        var policy = JSONValue.null
        if let governing = result.policy {
            policy = .object([("agentId", .string(governing.agentID)), ("source", Self.location(governing.source))])
        }
        let subAgents: [JSONValue] = children.map { child in
            .object([("id", .string(child.agent.id)), ("tools", Self.declared(child.agent.declaredTools))])
        }
        var members: [(String, JSONValue)] = []
        members.append(("id", .string(agent.id)))
        members.append(("name", .string(agent.name)))
        members.append(("platform", .string(agent.platforms.joined(separator: "+"))))
        members.append(("owner", Self.optional(agent.owner)))
        members.append(("stage", Self.optional(agent.stage)))
        members.append(("parent", Self.optional(agent.parent)))
        members.append(("dataTouched", .array(agent.dataTouched.map(JSONValue.string))))
        members.append(("sources", .array(sources)))
        members.append(("policy", policy))
        members.append(("declaredTools", Self.declared(agent.declaredTools)))
        members.append(("tools", .array(agent.tools.map(Self.tool))))
        members.append(("subAgents", .array(subAgents)))
        members.append(("scopes", .array(agent.scopes.map(JSONValue.string))))
        members.append(("notes", .array(agent.notes.map(JSONValue.string))))
        members.append(("findings", .array(result.findings.map(Self.finding))))
        let flags: [JSONValue] = result.supplyChain.map { flag in
            .object([
                ("component", .string(flag.component)), ("severity", .string(flag.severity)),
                ("path", .array(flag.path.map(JSONValue.string))),
            ])
        }
        members.append(("supplyChain", .array(flags)))
        members.append(("rank", .integer(result.rank)))
        members.append(("score", .integer(result.score)))
        members.append(("rankReason", .string(result.rankReason)))
        return .object(members)
    }

    private static func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }

    private static func declared(_ tools: [String]?) -> JSONValue {
        tools.map { .array($0.map(JSONValue.string)) } ?? .string("inherited")
    }

    static func location(_ location: SourceLocation) -> JSONValue {
        .object([("path", .string(location.path)), ("line", location.line.map { .integer($0) } ?? .null)])
    }

    static func tool(_ grant: ToolGrant) -> JSONValue {
        let classes = grant.classes.keys.sorted()
        return .object([
            ("server", grant.server.map(JSONValue.string) ?? .null),
            ("serverLaunch", grant.serverLaunch.map(JSONValue.string) ?? .null),
            ("name", .string(grant.name)),
            ("specifier", grant.specifier.map(JSONValue.string) ?? .null),
            ("classes", .array(classes.map { .string($0.rawValue) })),
            ("evidence", .object(classes.map { ($0.rawValue, .string(grant.classes[$0]?.rawValue ?? "heuristic")) })),
            ("classesUnknown", .bool(grant.classesUnknown)),
            ("approval", .string(grant.approval.rawValue)),
            ("source", location(grant.source)),
        ])
    }

    static func finding(_ finding: PostureFinding) -> JSONValue {
        .object([
            ("rule", .string(finding.rule.id)),
            ("dimension", .string(finding.rule.dimension)),
            ("severity", .string(finding.rule.severity.rawValue)),
            ("status", .string(finding.status.rawValue)),
            ("message", .string(finding.message)),
            ("refs", .array(finding.rule.refs.map(JSONValue.string))),
            (
                "evidence",
                .array(
                    finding.evidence.map {
                        var members: [(String, JSONValue)] = [
                            ("path", .string($0.location.path)),
                            ("line", $0.location.line.map { .integer($0) } ?? .null),
                            ("detail", .string($0.detail)),
                        ]
                        if let trace = $0.traceID { members.append(("traceId", .string(trace))) }
                        if let span = $0.spanID { members.append(("spanId", .string(span))) }
                        return .object(members)
                    })
            ),
        ])
    }
}
