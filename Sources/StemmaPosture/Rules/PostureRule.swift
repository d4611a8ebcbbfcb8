/// How much a posture finding matters; `--fail-on` compares against it.
public enum PostureSeverity: String, Sendable, Comparable, CaseIterable {
    case low, medium, high, critical

    var weight: Int {
        switch self {
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        case .critical: return 4
        }
    }

    /// Orders by weight.
    public static func < (lhs: PostureSeverity, rhs: PostureSeverity) -> Bool { lhs.weight < rhs.weight }
}

/// A posture rule: id and dimension from the agent-posture reference's rule table (§2.5), so reports stay
/// comparable with other tools that use the table; severity and OWASP refs as data.
public struct PostureRule: Sendable, Equatable {
    /// The rule id (`AP-PERM-4`).
    public let id: String
    /// The seed dimension (identity, permission, tool-chain, execution, coding-agent, governance).
    public let dimension: String
    /// The severity.
    public let severity: PostureSeverity
    /// OWASP references (LLM, ASI, T).
    public let refs: [String]
    /// What the rule checks.
    public let summary: String

    /// The rules `stemma posture` evaluates: statically from configuration, and at run time from traces
    /// (`--traces`: AP-EXEC-1..4, AP-PERM-1, AP-ID-3, AP-MON-1, AP-MON-2). AP-CODE-1 reads repository settings
    /// exported as JSON (rulesets, branch protection).
    public static let all: [PostureRule] = [
        PostureRule(
            id: "AP-ID-1", dimension: "identity", severity: .high, refs: ["ASI03", "T9"],
            summary: "The agent has no stable id (no stemma.yaml name, A2A name with provider, or agent-file name)."),
        PostureRule(
            id: "AP-ID-2", dimension: "identity", severity: .high, refs: ["ASI07", "T9", "ASI04"],
            summary: "The A2A card is unsigned, or its signature is not verified against trusted keys."),
        PostureRule(
            id: "AP-PERM-1", dimension: "permission", severity: .critical, refs: ["LLM06", "ASI02"],
            summary: "A tool or capability the policy denies is reachable (static) or was called (traces), or a tool "
                + "outside allowed_tools is reachable or was called."),
        PostureRule(
            id: "AP-PERM-2", dimension: "permission", severity: .high, refs: ["LLM06", "ASI03", "T3"],
            summary: "Granted scopes exceed the policy's max_scope (or the seed's credential_scope)."),
        PostureRule(
            id: "AP-PERM-3", dimension: "permission", severity: .high, refs: ["ASI03", "T3"],
            summary: "A sub-agent inherits all of its parent's tools, or its parent's approval-free mode."),
        PostureRule(
            id: "AP-PERM-4", dimension: "permission", severity: .critical, refs: ["LLM06", "ASI02", "ASI05"],
            summary: "An unrestricted grant (Bash, Bash(*), MCP tools [\"*\"] on a writing server) or a mode that "
                + "removes approval (bypassPermissions, dontAsk, approval_policy never with danger-full-access, also "
                + "from the active Codex profile; a selectable profile that would is unverified)."),
        PostureRule(
            id: "AP-TOOL-1", dimension: "tool-chain", severity: .critical, refs: ["LLM06", "ASI05", "T11"],
            summary: "An agent whose purpose is to read or summarize holds code execution or a shell."),
        PostureRule(
            id: "AP-TOOL-2", dimension: "tool-chain", severity: .critical,
            refs: ["LLM01", "LLM06", "ASI01", "ASI02", "T6"],
            summary: "Rule of Two / lethal trifecta: untrusted content in, sensitive data read, and egress or a "
                + "side effect, in one agent after inheritance."),
        PostureRule(
            id: "AP-TOOL-3", dimension: "tool-chain", severity: .high, refs: ["ASI02", "T2"],
            summary: "Untrusted content in and a destructive tool in one agent."),
        PostureRule(
            id: "AP-TOOL-4", dimension: "tool-chain", severity: .medium, refs: ["LLM03", "ASI04", "T17"],
            summary: "An MCP server is launched without a pinned version."),
        PostureRule(
            id: "AP-EXEC-2", dimension: "execution", severity: .high, refs: ["ASI08", "T13"],
            summary: "More sub-agents than the policy's max_sub_agents (static: defined sub-agents; spawns per run "
                + "need traces)."),
        PostureRule(
            id: "AP-EXEC-3", dimension: "execution", severity: .high, refs: ["LLM06", "ASI09", "T10"],
            summary: "A tool that can write runs without human approval while the policy requires it."),
        PostureRule(
            id: "AP-EXEC-1", dimension: "execution", severity: .high, refs: ["LLM10", "T4"],
            summary: "A run made more tool calls, or used more tokens, than the policy allows (traces)."),
        PostureRule(
            id: "AP-EXEC-4", dimension: "execution", severity: .medium, refs: ["ASI10", "T4", "T7"],
            summary: "A run deviates from the agent's baseline: x > factor × max(mean, floor) over the last N runs."),
        PostureRule(
            id: "AP-MON-1", dimension: "monitoring", severity: .medium, refs: ["T8", "ASI10"],
            summary: "GenAI spans lack gen_ai.operation.name, gen_ai.tool.name or a tool call id."),
        PostureRule(
            id: "AP-MON-2", dimension: "monitoring", severity: .medium, refs: ["T8", "ASI10"],
            summary: "The span tree is incomplete: spans whose parent is not in the traces."),
        PostureRule(
            id: "AP-CODE-1", dimension: "coding-agent", severity: .high, refs: ["ASI09", "LLM06"],
            summary: "A coding agent's pull requests can be merged without an independent review (exported ruleset or "
                + "branch protection without required approving reviews)."),
        PostureRule(
            id: "AP-CODE-2", dimension: "coding-agent", severity: .high, refs: ["LLM02", "ASI02"],
            summary: "A coding agent's network is unrestricted while secrets are readable."),
        PostureRule(
            id: "AP-ID-3", dimension: "identity", severity: .medium, refs: ["ASI03", "T8"],
            summary: "A sub-agent has no identity distinct from its parent's."),
        PostureRule(
            id: "AP-GOV-1", dimension: "governance", severity: .medium, refs: ["ASI10"],
            summary: "The agent has no owner."),
        PostureRule(
            id: "AP-GOV-2", dimension: "governance", severity: .high, refs: ["LLM02", "ASI03"],
            summary: "A literal credential sits in an agent or MCP config."),
        PostureRule(
            id: "AP-GOV-3", dimension: "governance", severity: .medium, refs: ["ASI10"],
            summary: "No posture policy covers the agent."),
    ]

    static func named(_ id: String) -> PostureRule {
        all.first { $0.id == id } ?? PostureRule(id: id, dimension: "unknown", severity: .high, refs: [], summary: "")
    }
}

/// One rule's result for one agent: `fail`, or `unverified` when the inputs cannot decide it (never a pass).
public struct PostureFinding: Sendable, Equatable {
    /// `fail`, or `unverified` when the files cannot decide.
    public enum Status: String, Sendable {
        case fail, unverified
    }

    /// A place and what it shows.
    public struct Evidence: Sendable, Equatable {
        /// File and line.
        public var location: SourceLocation
        /// What is there.
        public var detail: String
        /// The trace id, for a finding read from traces.
        public var traceID: String? = nil
        /// The span id, for a finding read from traces.
        public var spanID: String? = nil
    }

    /// The rule.
    public var rule: PostureRule
    /// The status.
    public var status: Status
    /// A sentence for people.
    public var message: String
    /// Where it was seen.
    public var evidence: [Evidence]

    init(_ rule: String, _ status: Status, _ message: String, evidence: [(SourceLocation, String)] = []) {
        self.rule = PostureRule.named(rule)
        self.status = status
        self.message = message
        self.evidence = evidence.map { Evidence(location: $0.0, detail: $0.1) }
    }
}
