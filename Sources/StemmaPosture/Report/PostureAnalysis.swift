public import StemmaCore

/// One agent's evaluated posture: what was read, the policy that governs it, findings and rank.
public struct AgentPostureResult: Sendable {
    /// What was read about the agent.
    public var agent: AgentPosture
    /// The governing policy's `agent_id` and where it was read; nil when none covers the agent.
    public var policy: PosturePolicy?
    /// The rules' results (`fail` or `unverified`).
    public var findings: [PostureFinding]
    /// Supply-chain flags that reach the agent (empty unless advisories or flags were given).
    public var supplyChain: [SupplyChainFlag]
    /// 1 is the riskiest.
    public var rank: Int
    /// The ranking score (`rankReason` explains it).
    public var score: Int
    /// Why the agent ranks where it does, in words.
    public var rankReason: String
}

/// The fleet's posture report.
public struct PostureReport: Sendable {
    /// Every agent, riskiest first.
    public var agents: [AgentPostureResult]
    /// Files not read, policy ties.
    public var warnings: [String]
    /// Runs read from traces (`--traces`), judged by the runtime rules; empty without traces.
    public var runs: [TraceRunResult] = []

    /// The exit status for `--fail-on` (nil: 0 whenever it ran) and `--strict` (unverified counts too).
    public func exitCode(failOn: PostureSeverity?, strict: Bool) -> Int32 {
        guard let failOn else { return 0 }
        let counted = (agents.flatMap(\.findings) + runs.flatMap(\.findings)).filter {
            $0.rule.severity >= failOn && ($0.status == .fail || strict)
        }
        return counted.isEmpty ? 0 : 1
    }
}

/// Reads an inventory, matches policies, evaluates rules and ranks the fleet.
public enum PostureAnalysis {
    /// Runs the whole analysis; throws only when the inventory folder cannot be read at all.
    public static func run(
        inventory: String, policies: [PosturePolicy], supplyChain: [String: [SupplyChainFlag]] = [:],
        jwks: JSONValue? = nil
    ) throws(StemmaError) -> PostureReport {
        let (agents, readWarnings) = try FleetReader(jwks: jwks).read(root: inventory)
        return evaluate(agents, policies: policies, warnings: readWarnings, supplyChain: supplyChain)
    }

    /// Evaluates already-read agents.
    public static func evaluate(
        _ agents: [AgentPosture], policies: [PosturePolicy], warnings: [String] = [],
        supplyChain: [String: [SupplyChainFlag]] = [:]
    ) -> PostureReport {
        var warnings = warnings
        var byID: [String: AgentPosture] = [:]
        for agent in agents where byID[agent.id] == nil { byID[agent.id] = agent }
        var own: [String: PosturePolicy] = [:]
        for agent in agents where own[agent.id] == nil {
            if let policy = match(agent.id, policies: policies, warnings: &warnings) { own[agent.id] = policy }
        }
        var children: [String: Int] = [:]
        for agent in agents { if let parent = agent.parent { children[parent, default: 0] += 1 } }
        var results: [AgentPostureResult] = []
        for agent in agents {
            let policy = governing(agent, own: own, byID: byID)
            let findings = PostureEvaluator.evaluate(
                agent, policy: policy, parent: agent.parent.flatMap { byID[$0] }, subAgentCount: children[agent.id] ?? 0
            )
            let flags = agent.hasStableID ? supplyChain[agent.id] ?? [] : []
            let (score, reason) = PostureRanking.score(agent, findings: findings, supplyChain: flags)
            results.append(
                AgentPostureResult(
                    agent: agent, policy: policy, findings: findings, supplyChain: flags, rank: 0, score: score,
                    rankReason: reason))
        }
        results.sort { ($0.score, $1.agent.id) > ($1.score, $0.agent.id) }
        for index in results.indices { results[index].rank = index + 1 }
        return PostureReport(agents: results, warnings: warnings)
    }

    /// The policy matching the agent's own id, otherwise the nearest ancestor's (bounded: no cycles). A policy
    /// whose `agent_id` has no literal character (`*`) matches every id without naming the agent, so for a
    /// sub-agent it yields to an ancestor's policy that names the ancestor; it governs only when none does.
    static func governing(
        _ agent: AgentPosture, own: [String: PosturePolicy], byID: [String: AgentPosture]
    ) -> PosturePolicy? {
        let mine = own[agent.id]
        if let mine, mine.specificity > 0 || agent.parent == nil { return mine }
        var fallback = mine
        var ancestor = agent.parent
        var hops = 0
        while let id = ancestor, hops < 64 {
            if let found = own[id] {
                if found.specificity > 0 { return found }
                fallback = fallback ?? found
            }
            ancestor = byID[id]?.parent
            hops += 1
        }
        return fallback
    }

    /// The policy that governs agent `id` in the static report too: for an inventory agent, `governing` over its
    /// own match and its ancestors' (so a run whose root is a sub-agent is judged by the same policy as its
    /// config); for an agent only the traces name, its own match.
    static func policy(
        forAgent id: String, policies: [PosturePolicy], byID: [String: AgentPosture], warnings: inout [String]
    ) -> PosturePolicy? {
        guard let agent = byID[id] else { return match(id, policies: policies, warnings: &warnings) }
        var own: [String: PosturePolicy] = [:]
        var next: String? = agent.id
        var hops = 0
        var ancestorWarnings: [String] = []  // the static report already warns about ancestors' ties
        while let current = next, hops <= 64 {
            let found =
                current == id
                ? match(current, policies: policies, warnings: &warnings)
                : match(current, policies: policies, warnings: &ancestorWarnings)
            if let found { own[current] = found }
            next = byID[current]?.parent
            hops += 1
        }
        return governing(agent, own: own, byID: byID)
    }

    /// The most specific policy whose `agent_id` matches `id`; a tie between different policies is a warning.
    static func match(_ id: String, policies: [PosturePolicy], warnings: inout [String]) -> PosturePolicy? {
        let matching = policies.filter { $0.matches(id) }
        guard let best = matching.map(\.specificity).max() else { return nil }
        let top = matching.filter { $0.specificity == best }
        if top.count > 1 {
            let places = top.map(\.source.display).joined(separator: ", ")
            warnings.append("agent '\(id)': policies match equally (\(places)); using the first")
        }
        return top[0]
    }
}

/// Ranks agents by exposure: stage multiplies what the agent touches, what it can do and what was found.
/// A production agent with PII and a shell outranks a sandbox notebook with a shell.
enum PostureRanking {
    static func score(_ agent: AgentPosture, findings: [PostureFinding], supplyChain: [SupplyChainFlag] = [])
        -> (Int, String)
    {
        var reasons: [String] = []
        let factor: Int
        switch agent.stage?.lowercased() {
        case "production", "prod": factor = 3
        case "testing", "staging", "test": factor = 2
        case "development", "dev", "sandbox", "notebook": factor = 1
        default: factor = 3  // unknown stage: assume the worst (fail closed)
        }
        reasons.append("stage \(agent.stage ?? "unknown (counted as production)") ×\(factor)")
        var points = 10
        var data = 0
        for item in agent.dataTouched {
            switch item.lowercased() {
            case "pii", "phi", "pci": data += 25
            case "sensitive", "financial", "confidential", "secrets": data += 20
            default: data += 10
            }
        }
        if agent.tools.contains(where: { $0.classes[.sensitiveDataRead] != nil }) { data += 15 }
        data = min(data, 50)
        if data > 0 {
            reasons.append(
                "data \(agent.dataTouched.isEmpty ? "sensitive reads" : agent.dataTouched.joined(separator: ", ")) +\(data)"
            )
        }
        points += data
        let weights: [(CapabilityClass, Int)] = [
            (.shell, 15), (.codeExecution, 15), (.networkEgress, 10), (.filesystemWrite, 5), (.externalSideEffect, 5),
            (.destructive, 5), (.credentialAccess, 5),
        ]
        var capabilities: [String] = []
        var capabilityPoints = 0
        for (capability, weight) in weights where agent.tools.contains(where: { $0.classes[capability] != nil }) {
            capabilities.append(capability.rawValue)
            capabilityPoints += weight
        }
        if capabilityPoints > 0 {
            reasons.append("capabilities \(capabilities.joined(separator: ", ")) +\(capabilityPoints)")
        }
        points += capabilityPoints
        var findingPoints = 0
        for finding in findings {
            let weight = finding.rule.severity.weight * 3
            findingPoints += finding.status == .fail ? weight : weight / 2
        }
        let fails = findings.filter { $0.status == .fail }.count
        if findingPoints > 0 {
            reasons.append("findings \(fails) fail, \(findings.count - fails) unverified +\(findingPoints)")
        }
        points += findingPoints
        let flagWeights = ["critical": 12, "high": 9, "medium": 6, "low": 3]
        let flagPoints = supplyChain.reduce(0) { $0 + (flagWeights[$1.severity] ?? 6) }
        if flagPoints > 0 { reasons.append("supply chain \(supplyChain.count) flag(s) +\(flagPoints)") }
        points += flagPoints
        return (factor * points, reasons.joined(separator: "; "))
    }
}
