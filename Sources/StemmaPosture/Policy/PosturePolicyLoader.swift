public import StemmaCore

/// Reads `agent_posture_policy` files: one mapping, a YAML sequence of them, or several YAML documents.
///
/// A policy that cannot be read is an error (`stemma posture` exits 2): checking agents against half a policy
/// would be a false pass.
public enum PosturePolicyLoader {
    static let maxPolicies = 10_000

    /// Loads every policy in `path` (a file, or a folder of `.yaml`/`.yml` files, sorted by name).
    public static func load(path: String) throws(StemmaError) -> [PosturePolicy] {
        let files = try PostureFiles.policyFiles(at: path)
        var result: [PosturePolicy] = []
        for file in files {
            let shown = file
            result += try parse(BoundedFile.read(file, maxBytes: YAMLNode.maxBytes), source: shown)
            guard result.count <= maxPolicies else {
                throw StemmaError(.limitExceeded, "more than \(maxPolicies) policies under '\(path)'")
            }
        }
        guard !result.isEmpty else { throw StemmaError(.malformedInput, "'\(path)' holds no agent_posture_policy") }
        return result
    }

    /// Parses the policies in one file's bytes.
    public static func parse(_ bytes: [UInt8], source: String) throws(StemmaError) -> [PosturePolicy] {
        var result: [PosturePolicy] = []
        for document in try YAMLNode.documents(bytes, source: source) {
            let entries = document.items ?? [document]
            for entry in entries {
                if case .other = entry.shape { continue }  // an empty document
                guard let body = entry["agent_posture_policy"] else {
                    throw StemmaError(
                        .malformedInput,
                        "'\(source)'\(entry.line.map { " line \($0)" } ?? ""): expected an agent_posture_policy mapping"
                    )
                }
                result.append(try policy(body, source: source, line: entry.line))
            }
        }
        return result
    }

    private static func policy(_ body: YAMLNode, source: String, line: Int?) throws(StemmaError) -> PosturePolicy {
        let at = "'\(source)'\(line.map { " line \($0)" } ?? "")"
        guard body.isMapping else { throw StemmaError(.malformedInput, "\(at): agent_posture_policy is not a mapping") }
        let identity = body["identity"]
        guard let agentID = identity?["agent_id"]?.string, !agentID.isEmpty else {
            throw StemmaError(.malformedInput, "\(at): identity.agent_id is missing")
        }
        var policy = PosturePolicy(agentID: agentID, source: SourceLocation(path: source, line: line))
        policy.credentialScope = identity?["credential_scope"]?.stringList ?? []
        policy.requireSignedCard = identity?["require_signed_card"]?.bool ?? false
        policy.allowedSigners = identity?["allowed_signers"]?.stringList ?? []
        let permissions = body["permissions"]
        policy.allowedTools = permissions?["allowed_tools"]?.stringList
        policy.deniedTools = permissions?["denied_tools"]?.stringList ?? []
        for name in permissions?["denied_capabilities"]?.stringList ?? [] {
            guard let capability = CapabilityClass(rawValue: name) else {
                throw StemmaError(.malformedInput, "\(at): unknown capability class '\(name)' in denied_capabilities")
            }
            policy.deniedCapabilities.append(capability)
        }
        policy.maxScope = permissions?["max_scope"]?.stringList
        policy.inheritParentCredentials = permissions?["inherit_parent_credentials"]?.bool ?? false
        let execution = body["execution"]
        policy.maxToolCallsPerRun = execution?["max_tool_calls_per_run"]?.int
        policy.maxSubAgents = execution?["max_sub_agents"]?.int
        policy.maxTokensPerRun = execution?["max_tokens_per_run"]?.int.map(Int64.init)
        policy.requiresHumanApproval = execution?["requires_human_approval"]?.stringList ?? []
        policy.forbidTrifecta = execution?["forbid_trifecta"]?.bool ?? true
        let monitoring = body["monitoring"]
        policy.alertOnBaselineDeviation = monitoring?["alert_on_baseline_deviation"]?.bool ?? true
        if let baseline = monitoring?["baseline"] {
            let metrics = ["tool_calls", "external_calls", "sub_agent_spawns", "tokens"]
            policy.baselineMetrics = baseline["metric"]?.stringList
            for metric in policy.baselineMetrics ?? [] where !metrics.contains(metric) {
                throw StemmaError(.malformedInput, "\(at): unknown baseline metric '\(metric)'")
            }
            policy.baseline.window = max(1, baseline["window_runs"]?.int ?? 30)
            policy.baseline.minRuns = max(1, baseline["min_runs"]?.int ?? 10)
            policy.baseline.factor = Int64(max(1, min(baseline["factor"]?.int ?? 10, 1_000_000)))
            policy.baseline.floor = Int64(max(0, min(baseline["floor"]?.int ?? 1, 1 << 40)))
        }
        return policy
    }
}
