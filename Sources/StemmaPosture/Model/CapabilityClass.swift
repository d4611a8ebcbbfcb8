/// What a tool can do, in the taxonomy of the agent-posture reference (`capability-rules.json`).
public enum CapabilityClass: String, Sendable, CaseIterable, Comparable {
    case codeExecution = "code_execution"
    case shell
    case filesystemRead = "filesystem_read"
    case filesystemWrite = "filesystem_write"
    case networkEgress = "network_egress"
    case untrustedContentIn = "untrusted_content_in"
    case sensitiveDataRead = "sensitive_data_read"
    case externalSideEffect = "external_side_effect"
    case destructive
    case subAgentSpawn = "sub_agent_spawn"
    case credentialAccess = "credential_access"

    /// Classes that change something: the seed's `any_write_operation`. Shell and code execution can write
    /// anything the process can.
    public static let writing: Set<CapabilityClass> = [
        .filesystemWrite, .externalSideEffect, .destructive, .shell, .codeExecution,
    ]

    /// Orders classes by name, for stable output.
    public static func < (lhs: CapabilityClass, rhs: CapabilityClass) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// How a class was established, strongest first: a built-in table, the server's MCP annotations, or keywords.
public enum CapabilityEvidence: String, Sendable, Comparable {
    case table
    case annotation
    case heuristic

    private var strength: Int {
        switch self {
        case .table: return 3
        case .annotation: return 2
        case .heuristic: return 1
        }
    }

    /// `a < b` when `a` is weaker evidence than `b`.
    public static func < (lhs: CapabilityEvidence, rhs: CapabilityEvidence) -> Bool { lhs.strength < rhs.strength }
}

/// Whether a human is asked before a reachable tool runs.
public enum ToolApproval: String, Sendable {
    /// Runs without asking anyone.
    case none
    /// A human is asked first (`ask`, `prompt`, `ask_user`).
    case ask
    /// The configuration does not say, or says something Stemma cannot interpret.
    case unknown
}
