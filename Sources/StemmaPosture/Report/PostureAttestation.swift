public import StemmaCore
import StemmaCrypto

#if canImport(Glibc)
    import Glibc
#endif

/// The content of a posture attestation (`stemma posture attest`): in-toto subjects and the predicate.
///
/// Subjects bind the posture to the exact inputs: the A2A card by the SHA-256 of its RFC 8785 form without
/// `signatures` (named `a2a-card:<card name>`, so a file of another name never matches it by name), every other
/// configuration file the agent was read from by the SHA-256 of its bytes, and the governing policy file.
/// The predicate (type ``predicateType``) records the evaluated posture, failures included: the caller decides.
public struct PostureAttestation: Sendable {
    /// The predicate type URI, documented in docs/cli.md and schemas/posture-predicate.schema.json.
    public static let predicateType = "https://stemma.dev/posture/v1"
    /// The prefix of the card subject's name.
    public static let cardSubjectPrefix = "a2a-card:"

    /// `(name, sha256 hex)` per subject, the card first when there is one.
    public var subjects: [(name: String, sha256: String)]
    /// The predicate.
    public var predicate: JSONValue

    /// Builds the attestation content for agent `agentID` of `report`, read from `inventory`.
    /// - Parameters:
    ///   - evaluatedAt: seconds since the epoch, recorded as RFC 3339 UTC.
    /// - Throws: ``StemmaError`` `.usage` when the report has no agent `agentID`; `.io`/`.malformedInput` when the
    ///   card or policy file cannot be read back.
    public static func build(
        report: PostureReport, agentID: String, inventory: String, evaluatedAt: Int
    ) throws(StemmaError) -> PostureAttestation {
        guard let result = report.agents.first(where: { $0.agent.id.isExactly(agentID) }) else {
            let known = report.agents.map(\.agent.id).prefix(20).joined(separator: ", ")
            throw StemmaError(.usage, "no agent '\(agentID)' in the posture of '\(inventory)' (agents: \(known))")
        }
        let agent = result.agent
        var subjects: [(name: String, sha256: String)] = []
        var card = JSONValue.null
        if let location = agent.cardLocation {
            let path = join(inventory, location.path)
            let value = try JSONParser.parse(try BoundedFile.read(path, maxBytes: 4 << 20), source: path)
            let digest = try AgentCardJWS.cardDigest(value)
            let name = cardSubjectPrefix + (value["name"]?.stringValue ?? agent.name)
            subjects.append((name, digest))
            card = .object([
                ("subject", .string(name)), ("path", .string(location.path)),
                ("digest", .object([("sha256", .string(digest))])),
                ("signature", agent.cardSignature.map { .string($0.rawValue) } ?? .null),
                ("signerKid", agent.cardSignerKid.map(JSONValue.string) ?? .null),
            ])
        }
        for source in agent.sources where !subjects.contains(where: { $0.name == source.path }) {
            if let location = agent.cardLocation, source.path == location.path { continue }
            subjects.append((source.path, source.sha256))
        }
        var policy = JSONValue.null
        if let governing = result.policy {
            let digest = try Digest.sha256Hex(try BoundedFile.read(governing.source.path, maxBytes: 4 << 20))
            if !subjects.contains(where: { $0.name == governing.source.path }) {
                subjects.append((governing.source.path, digest))
            }
            policy = .object([
                ("agentId", .string(governing.agentID)), ("source", PostureReport.location(governing.source)),
                ("digest", .object([("sha256", .string(digest))])),
            ])
        }
        let children = report.agents.filter { $0.agent.parent?.isExactly(agent.id) == true }
        let predicate = JSONValue.object([
            ("schema", .string("stemma/posture-attestation/v1")),
            ("evaluatedAt", .string(rfc3339(evaluatedAt))),
            ("generator", .object([("name", .string("stemma")), ("version", .string(StemmaVersion.current))])),
            (
                "agent",
                .object([
                    ("id", .string(agent.id)), ("name", .string(agent.name)),
                    ("platform", .string(agent.platforms.joined(separator: "+"))),
                    ("owner", agent.owner.map(JSONValue.string) ?? .null),
                    ("stage", agent.stage.map(JSONValue.string) ?? .null),
                ])
            ),
            ("card", card),
            ("policy", policy),
            ("tools", .array(agent.tools.map(tool))),
            ("scopes", .array(agent.scopes.map(JSONValue.string))),
            (
                "subAgents",
                .array(
                    children.map {
                        .object([
                            ("id", .string($0.agent.id)),
                            (
                                "tools",
                                $0.agent.declaredTools.map { .array($0.map(JSONValue.string)) } ?? .string("inherited")
                            ),
                        ])
                    })
            ),
            (
                "approvals",
                .object([
                    (
                        "requiresHumanApproval",
                        .array((result.policy?.requiresHumanApproval ?? []).map(JSONValue.string))
                    ),
                    (
                        "writeToolsWithoutApproval",
                        .array(
                            agent.tools.filter { $0.isWriting && $0.approval != .ask }.map { .string($0.displayName) })
                    ),
                ])
            ),
            (
                "limits",
                .object([
                    ("maxToolCallsPerRun", result.policy?.maxToolCallsPerRun.map { .integer($0) } ?? .null),
                    ("maxSubAgents", result.policy?.maxSubAgents.map { .integer($0) } ?? .null),
                    ("subAgentCount", .integer(children.count)),
                ])
            ),
            // The agent's runs when `--traces` was given; null means the posture is static only.
            ("traceEvidence", traceEvidence(report, agent: agent)),
            ("results", .array(results(result))),
            ("findings", .array(result.findings.map(PostureReport.finding))),
        ])
        return PostureAttestation(subjects: subjects, predicate: predicate)
    }

    /// What the traces showed of `agent`: its runs (by trace id), their metrics, each run's baseline (window, mean,
    /// factor) and the runtime findings; null when no traces were read.
    static func traceEvidence(_ report: PostureReport, agent: AgentPosture) -> JSONValue {
        guard !report.runs.isEmpty else { return .null }
        let mine = report.runs.filter { $0.run.agent.isExactly(agent.id) || $0.run.agent.isExactly(agent.name) }
        return .object([
            ("runs", .integer(mine.count)),
            ("traceIds", .array(mine.map { .string($0.run.traceID) })),
            ("toolCalls", .integer(mine.reduce(0) { $0 + $1.summary.toolCalls })),
            ("externalCalls", .integer(mine.reduce(0) { $0 + $1.summary.externalCalls })),
            ("subAgentSpawns", .integer(mine.reduce(0) { $0 + $1.summary.subAgentSpawns })),
            ("tokens", .integer(mine.reduce(0) { $0 + $1.summary.tokens })),
            ("baselineRuns", .integer(mine.map(\.baselineRuns).max() ?? 0)),
            // Per run, the baseline it was judged against: window, mean and factor per metric.
            (
                "baseline",
                .array(
                    mine.map { result in
                        guard case .object(let members) = PostureReport.baselineJSON(result) else { return .null }
                        return .object(
                            [("traceId", .string(result.run.traceID)), ("rootSpanId", .string(result.run.rootSpanID))]
                                + members)
                    })
            ),
            ("findings", .array(mine.flatMap(\.findings).map(PostureReport.finding))),
        ])
    }

    /// Every rule's result: the worst status of its findings, else `pass`.
    static func results(_ result: AgentPostureResult) -> [JSONValue] {
        var ids = PostureRule.all.map(\.id)
        for finding in result.findings where !ids.contains(finding.rule.id) { ids.append(finding.rule.id) }
        return ids.map { id in
            let findings = result.findings.filter { $0.rule.id == id }
            let status =
                findings.contains { $0.status == .fail } ? "fail" : findings.isEmpty ? "pass" : "unverified"
            return .object([("rule", .string(id)), ("status", .string(status)), ("findings", .integer(findings.count))])
        }
    }

    static func tool(_ grant: ToolGrant) -> JSONValue {
        guard case .object(var members) = PostureReport.tool(grant) else { return .null }
        members.append(("writes", .bool(grant.isWriting)))
        return .object(members)
    }

    static func join(_ root: String, _ relative: String) -> String {
        relative.hasPrefix("/") ? relative : (root.hasSuffix("/") ? root : root + "/") + relative
    }

    /// RFC 3339 UTC without fractions.
    public static func rfc3339(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Seconds since the epoch of an RFC 3339 UTC time `YYYY-MM-DDTHH:MM:SSZ` (fractions allowed), else nil.
    public static func parseRFC3339(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.count <= 40, bytes.last == UInt8(ascii: "Z"), bytes[10] == UInt8(ascii: "T")
        else { return nil }
        func number(_ range: Range<Int>) -> Int32? { Int32(String(decoding: bytes[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        return Int(timegm(&parts))
    }
}
