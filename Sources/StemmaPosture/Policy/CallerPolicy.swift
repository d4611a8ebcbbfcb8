public import StemmaCore
import StemmaCrypto

/// A caller's requirements on another agent's attested posture (`stemma verify-attestation --require`), in
/// `schemas/caller-posture-policy.schema.json`. Every requirement given must hold; what the predicate does not
/// show (an unknown capability class, a missing limit, an unparsable time) fails it, never passes.
public struct CallerPolicy: Sendable {
    /// Capability classes no tool may hold (e.g. `code_execution`, `shell`).
    public var deniedCapabilities: [String] = []
    /// Every tool that writes must ask a human first.
    public var approvalOnWrites = false
    /// At most this many sub-agents, declared by the agent's own policy and present in its configuration.
    public var maxSubAgents: Int?
    /// Granted scopes must each match one of these (`*` and `?` globs).
    public var allowedScopes: [String]?
    /// The attestation must be at most this many days old.
    public var maxAgeDays: Int?
    /// A JWKS file (relative to the policy file): the attestation's signer must be one of its keys.
    public var signerJWKS: String?
    /// Rules whose attested result must be `pass`.
    public var rulesMustPass: [String] = []
    /// Where the policy was read from.
    public var source: String

    private static let known: Set<String> = [
        "denied_capabilities", "approval_on_writes", "max_sub_agents", "allowed_scopes", "max_age_days",
        "signer_jwks", "rules_must_pass",
    ]

    /// Reads a caller policy: a YAML mapping, optionally under a `caller_posture_policy` key.
    /// - Throws: ``StemmaError`` `.malformedInput` for an unreadable file, an unknown key or a wrong type (a typo
    ///   must not silently drop a requirement).
    public static func load(path: String) throws(StemmaError) -> CallerPolicy {
        let documents = try YAMLNode.documents(try BoundedFile.read(path, maxBytes: YAMLNode.maxBytes), source: path)
        guard documents.count == 1, var root = documents.first, root.isMapping else {
            throw StemmaError(.malformedInput, "'\(path)' must hold one YAML mapping of caller requirements")
        }
        if let inner = root["caller_posture_policy"] { root = inner }
        var policy = CallerPolicy(source: path)
        for (key, value) in root.pairs {
            func fail() -> StemmaError { StemmaError(.malformedInput, "'\(path)': \(key) has the wrong type") }
            switch key {
            case "denied_capabilities":
                guard let list = value.stringList else { throw fail() }
                policy.deniedCapabilities = list
            case "approval_on_writes":
                guard let flag = value.bool else { throw fail() }
                policy.approvalOnWrites = flag
            case "max_sub_agents":
                guard let number = value.int, number >= 0 else { throw fail() }
                policy.maxSubAgents = number
            case "allowed_scopes":
                guard let list = value.stringList else { throw fail() }
                policy.allowedScopes = list
            case "max_age_days":
                guard let number = value.int, number >= 0, number <= 36_500 else { throw fail() }
                policy.maxAgeDays = number
            case "signer_jwks":
                guard let text = value.string, !text.isEmpty else { throw fail() }
                policy.signerJWKS = text.hasPrefix("/") ? text : directory(of: path) + text
            case "rules_must_pass":
                guard let list = value.stringList else { throw fail() }
                policy.rulesMustPass = list
            default:
                throw StemmaError(
                    .malformedInput,
                    "'\(path)': unknown requirement '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
        return policy
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[...slash])
    }

    /// One failing requirement per sentence, naming the requirement; empty when all hold.
    /// - Parameters:
    ///   - predicateType: the statement's predicate type; anything but the posture type fails everything.
    ///   - signers: key ids (SHA-256 of the DER SubjectPublicKeyInfo) of the keys that verified the envelope.
    ///   - now: seconds since the epoch.
    /// - Throws: ``StemmaError`` when `signer_jwks` cannot be read.
    public func failures(predicateType: String?, predicate: JSONValue?, signers: [String], now: Int)
        throws(StemmaError) -> [String]
    {
        guard predicateType == PostureAttestation.predicateType, let predicate, predicate.objectValue != nil else {
            return ["predicate_type: the statement is not a \(PostureAttestation.predicateType) posture attestation"]
        }
        var failures: [String] = []
        let tools = predicate["tools"]?.arrayValue ?? []
        func name(_ tool: JSONValue) -> String {
            let base = tool["name"]?.stringValue ?? "?"
            return tool["server"]?.stringValue.map { "\($0)/\(base)" } ?? base
        }
        func classes(_ tool: JSONValue) -> [String] { tool["classes"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        if !deniedCapabilities.isEmpty {
            let holding = tools.filter { tool in classes(tool).contains { deniedCapabilities.contains($0) } }
            if !holding.isEmpty {
                let detail = holding.prefix(10).map { "\(name($0)) [\(classes($0).joined(separator: ", "))]" }
                failures.append("denied_capabilities: the agent holds " + detail.joined(separator: "; "))
            }
            let unknown = tools.filter { $0["classesUnknown"]?.boolValue != false }
            if !unknown.isEmpty {
                failures.append(
                    "denied_capabilities: the classes of " + unknown.prefix(10).map(name).joined(separator: ", ")
                        + " are unknown, so denied ones cannot be ruled out")
            }
        }
        if approvalOnWrites {
            let unapproved = tools.filter { $0["writes"]?.boolValue != false && $0["approval"]?.stringValue != "ask" }
            if !unapproved.isEmpty {
                failures.append(
                    "approval_on_writes: writing tools run without human approval: "
                        + unapproved.prefix(10).map(name).joined(separator: ", "))
            }
        }
        if let maxSubAgents { failures += subAgentFailures(predicate, tools: tools, limit: maxSubAgents) }
        if let allowedScopes {
            let scopes = predicate["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let outside = scopes.filter { scope in
                !allowedScopes.contains { Glob.matches(pattern: Array($0), text: Array(scope)) }
            }
            if !outside.isEmpty {
                failures.append("allowed_scopes: scopes outside the allowed set: " + outside.joined(separator: ", "))
            }
        }
        if let maxAgeDays {
            let text = predicate["evaluatedAt"]?.stringValue ?? ""
            if let time = PostureAttestation.parseRFC3339(text) {
                if now - time > maxAgeDays * 86_400 {
                    failures.append("max_age_days: attested at \(text), more than \(maxAgeDays) day(s) ago")
                } else if time - now > 300 {
                    failures.append("max_age_days: attested at \(text), in the future")
                }
            } else {
                failures.append("max_age_days: the attestation has no readable evaluatedAt")
            }
        }
        if let signerJWKS {
            let jwks = try JSONParser.parse(try BoundedFile.read(signerJWKS, maxBytes: 1 << 20), source: signerJWKS)
            let held = (jwks["keys"]?.arrayValue ?? []).compactMap(JWK.publicKey).compactMap {
                try? Digest.sha256Hex($0.derSubjectPublicKeyInfo())
            }
            if !signers.contains(where: held.contains) {
                failures.append("signer_jwks: the attestation is not signed by a key of '\(signerJWKS)'")
            }
        }
        let results = predicate["results"]?.arrayValue ?? []
        for rule in rulesMustPass {
            let status = results.first { $0["rule"]?.stringValue == rule }?["status"]?.stringValue ?? "absent"
            if status != "pass" { failures.append("rules_must_pass: \(rule) is \(status)") }
        }
        return failures
    }

    private func subAgentFailures(_ predicate: JSONValue, tools: [JSONValue], limit: Int) -> [String] {
        var failures: [String] = []
        let count = predicate["subAgents"]?.arrayValue?.count ?? Int.max
        if count > limit { failures.append("max_sub_agents: the agent has \(count) sub-agent(s), over \(limit)") }
        if let declared = predicate["limits"]?["maxSubAgents"]?.exactUInt64 {
            if declared > UInt64(limit) {
                failures.append("max_sub_agents: its policy allows \(declared) sub-agent(s), over \(limit)")
            }
        } else {
            failures.append("max_sub_agents: its policy declares no max_sub_agents limit")
        }
        // What the traces showed: a run that spawned a sub-agent breaks a limit of 0 whatever the files declare.
        if limit == 0, let spawned = predicate["traceEvidence"]?["subAgentSpawns"]?.exactUInt64, spawned > 0 {
            failures.append("max_sub_agents: the attested traces show \(spawned) sub-agent spawn(s)")
        }
        if limit == 0 {
            let spawning = tools.filter {
                $0["classes"]?.arrayValue?.contains { $0.stringValue == "sub_agent_spawn" } == true
            }
            if !spawning.isEmpty {
                failures.append("max_sub_agents: tools can spawn sub-agents (\(spawning.count))")
            }
        }
        return failures
    }
}
