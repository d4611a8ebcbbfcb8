import StemmaCore

/// One `agent_posture_policy`: the seed's keys with their meaning, plus the Stemma superset's additions.
///
/// Unknown keys are kept out (not errors), so a policy written for a newer version still loads; the seed's
/// example loads unchanged.
public struct PosturePolicy: Sendable, Equatable {
    /// `identity.agent_id`: an id or a glob (`*`, `?`).
    public var agentID: String
    /// The seed's comma-separated `identity.credential_scope`, split.
    public var credentialScope: [String]
    /// `identity.require_signed_card`.
    public var requireSignedCard: Bool
    /// `identity.allowed_signers` (`kid:<kid>@<jwks url>`).
    public var allowedSigners: [String]
    /// `permissions.allowed_tools`: a tool reachable (static) or called (traces) outside it is `AP-PERM-1`.
    public var allowedTools: [String]?
    /// `permissions.denied_tools`: `AP-PERM-1` when reachable.
    public var deniedTools: [String]
    /// `permissions.denied_capabilities`: `AP-PERM-1` when a tool holds one.
    public var deniedCapabilities: [CapabilityClass]
    /// `permissions.max_scope`, or nil (then `credentialScope` bounds the scopes).
    public var maxScope: [String]?
    /// `permissions.inherit_parent_credentials`; the seed has no key, and then inheritance is a finding.
    public var inheritParentCredentials: Bool
    /// `execution.max_tool_calls_per_run`: tool calls per run over it is `AP-EXEC-1` (traces).
    public var maxToolCallsPerRun: Int?
    /// `execution.max_sub_agents`: defined sub-agents (static) and spawns per run (traces), `AP-EXEC-2`.
    public var maxSubAgents: Int?
    /// `execution.max_tokens_per_run` (a Stemma addition): tokens per run over it is `AP-EXEC-1`.
    public var maxTokensPerRun: Int64?
    /// `execution.requires_human_approval` (`any_write_operation`, or tool names).
    public var requiresHumanApproval: [String]
    /// `execution.forbid_trifecta` (default true): `AP-TOOL-2`.
    public var forbidTrifecta: Bool
    /// `monitoring.alert_on_baseline_deviation` (default true): `AP-EXEC-4` on runs from traces.
    public var alertOnBaselineDeviation: Bool
    /// `monitoring.baseline` (`window_runs`, `min_runs`, `factor`, `floor`): the baseline, defaults 30/10/10/1.
    public var baseline: RunBaseline
    /// `monitoring.baseline.metric`: the metrics that may raise `AP-EXEC-4` (nil: all four).
    public var baselineMetrics: [String]?
    /// Where the policy was read: file and line of its `agent_posture_policy` key.
    public var source: SourceLocation

    /// A policy with only its `agent_id`.
    public init(agentID: String, source: SourceLocation) {
        self.agentID = agentID
        self.credentialScope = []
        self.requireSignedCard = false
        self.allowedSigners = []
        self.allowedTools = nil
        self.deniedTools = []
        self.deniedCapabilities = []
        self.maxScope = nil
        self.inheritParentCredentials = false
        self.maxToolCallsPerRun = nil
        self.maxSubAgents = nil
        self.maxTokensPerRun = nil
        self.requiresHumanApproval = []
        self.forbidTrifecta = true
        self.alertOnBaselineDeviation = true
        self.baseline = RunBaseline()
        self.baselineMetrics = nil
        self.source = source
    }

    /// The scopes an agent may hold: `max_scope`, else the seed's `credential_scope`, else nil (no bound).
    public var scopeBound: [String]? { maxScope ?? (credentialScope.isEmpty ? nil : credentialScope) }

    /// Whether writes need a human: `any_write_operation` (or `any_write`) in `requires_human_approval`.
    public var requiresApprovalForWrites: Bool {
        requiresHumanApproval.contains { $0 == "any_write_operation" || $0 == "any_write" }
    }

    /// How specific `agentID` is: an exact id beats any glob; among globs, more literal characters win; a
    /// pattern of wildcards only (`*`) is 0.
    public var specificity: Int {
        let wildcards = agentID.filter { $0 == "*" || $0 == "?" }.count
        return wildcards == 0 ? Int.max : agentID.count - wildcards
    }

    /// Whether `agentID` matches `id` (glob: `*` any run, `?` one character; linear-time matcher).
    public func matches(_ id: String) -> Bool { Glob.matches(pattern: Array(agentID), text: Array(id)) }
}

/// Glob matching with `*` and `?`, in O(pattern × text) worst case without recursion.
enum Glob {
    static func matches(pattern: [Character], text: [Character]) -> Bool {
        var p = 0
        var t = 0
        var star = -1
        var mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                mark = t
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
