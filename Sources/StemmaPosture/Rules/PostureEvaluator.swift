import StemmaCore

/// Evaluates the rule table for one agent against the policy that governs it (nil: none covers it).
enum PostureEvaluator {
    static func evaluate(
        _ agent: AgentPosture, policy: PosturePolicy?, parent: AgentPosture?, subAgentCount: Int = 0
    ) -> [PostureFinding] {
        var findings: [PostureFinding] = []
        identity(agent, policy: policy, into: &findings)
        permissions(agent, policy: policy, parent: parent, into: &findings)
        toolChain(agent, into: &findings, forbidTrifecta: policy?.forbidTrifecta ?? true)
        if let policy, policy.requiresApprovalForWrites { approvals(agent, into: &findings) }
        if let limit = policy?.maxSubAgents { subAgents(agent, limit: limit, defined: subAgentCount, into: &findings) }
        reviewGate(agent, into: &findings)
        codingAgent(agent, into: &findings)
        if let parent, agent.id == parent.id || agent.name == parent.name {
            findings.append(
                PostureFinding(
                    "AP-ID-3", .fail, "the sub-agent carries its parent's identity '\(parent.name)'",
                    evidence: agent.definedAt.map { [($0, "sub-agent definition")] } ?? []))
        }
        if agent.owner == nil {
            findings.append(PostureFinding("AP-GOV-1", .fail, "no owner is declared for the agent"))
        }
        for fact in agent.facts where fact.kind == .literalCredential {
            findings.append(PostureFinding("AP-GOV-2", .fail, fact.detail, evidence: [(fact.location, fact.detail)]))
        }
        if policy == nil {
            findings.append(PostureFinding("AP-GOV-3", .fail, "no agent_posture_policy matches '\(agent.id)'"))
        }
        return findings
    }

    private static func identity(_ agent: AgentPosture, policy: PosturePolicy?, into findings: inout [PostureFinding]) {
        if !agent.hasStableID {
            findings.append(
                PostureFinding(
                    "AP-ID-1", .fail, "no stable id; the agent is known only by its folder '\(agent.id)'",
                    evidence: agent.sources.prefix(3).map { (SourceLocation(path: $0.path), "read from here") }))
        }
        let cardEvidence = agent.cardLocation.map { [($0, "A2A card")] } ?? []
        switch agent.cardSignature {
        case .unsigned?:
            findings.append(PostureFinding("AP-ID-2", .fail, "the A2A card has no signatures", evidence: cardEvidence))
        case .signedUnchecked?:
            findings.append(
                PostureFinding(
                    "AP-ID-2", .unverified, "the A2A card is signed, but no keys were given to verify it (--jwks)",
                    evidence: cardEvidence))
        case .invalid?:
            findings.append(
                PostureFinding(
                    "AP-ID-2", .fail, "the A2A card's signature does not verify: \(agent.cardSignatureDetail ?? "")",
                    evidence: cardEvidence))
        case .undecided?:
            findings.append(
                PostureFinding(
                    "AP-ID-2", .unverified,
                    "the A2A card's signature cannot be checked: \(agent.cardSignatureDetail ?? "")",
                    evidence: cardEvidence))
        case .verified?:
            // `allowed_signers` entries are `kid:<kid>@<jwks url>` (or a bare kid); the key that verified must be one.
            let kid = agent.cardSignerKid ?? ""
            let allowed = policy?.allowedSigners ?? []
            if !allowed.isEmpty,
                !allowed.contains(where: { $0 == kid || $0 == "kid:\(kid)" || $0.hasPrefix("kid:\(kid)@") })
            {
                findings.append(
                    PostureFinding(
                        "AP-ID-2", .fail,
                        "the A2A card is signed by key '\(kid)', which is not in the policy's allowed_signers",
                        evidence: cardEvidence))
            }
        case nil:
            if policy?.requireSignedCard == true, agent.parent == nil {
                findings.append(
                    PostureFinding("AP-ID-2", .unverified, "the policy requires a signed card; no A2A card was read"))
            }
        }
    }

    private static func permissions(
        _ agent: AgentPosture, policy: PosturePolicy?, parent: AgentPosture?, into findings: inout [PostureFinding]
    ) {
        if let policy {
            for grant in agent.tools where policy.deniedTools.contains(grant.name) {
                findings.append(
                    PostureFinding(
                        "AP-PERM-1", .fail, "denied tool '\(grant.name)' is reachable as \(grant.displayName)",
                        evidence: [(grant.source, "grant of \(grant.displayName)")]))
            }
            if let allowed = policy.allowedTools, !allowed.isEmpty { allowlist(agent, allowed, into: &findings) }
            for capability in policy.deniedCapabilities {
                let holders = agent.tools.filter { $0.classes[capability] != nil }
                if !holders.isEmpty {
                    findings.append(
                        PostureFinding(
                            "AP-PERM-1", .fail, "denied capability \(capability.rawValue) is reachable",
                            evidence: holders.prefix(5).map { ($0.source, $0.displayName) }))
                } else if agent.tools.contains(where: \.classesUnknown) {
                    findings.append(
                        PostureFinding(
                            "AP-PERM-1", .unverified,
                            "denied capability \(capability.rawValue): some tools' classes are unknown"))
                }
            }
            if let bound = policy.scopeBound {
                let extra = agent.scopes.filter { !bound.contains($0) }
                let at = agent.scopeSources.map { ($0, "scopes granted here") }
                if !extra.isEmpty {
                    findings.append(
                        PostureFinding(
                            "AP-PERM-2", .fail, "scopes beyond the policy: \(extra.joined(separator: ", "))",
                            evidence: at))
                } else if agent.scopes.isEmpty {
                    findings.append(
                        PostureFinding("AP-PERM-2", .unverified, "no granted scopes were read for the agent"))
                }
            }
        }
        if agent.parent != nil, !(policy?.inheritParentCredentials ?? false) {
            let at = agent.definedAt.map { [($0, "sub-agent definition")] } ?? []
            if agent.declaredTools == nil {
                findings.append(
                    PostureFinding(
                        "AP-PERM-3", .fail,
                        "the sub-agent declares no tools and inherits all \(agent.tools.count) of its parent's",
                        evidence: at))
            }
            for fact in parent?.facts ?? [] where fact.kind == .approvalRemovingMode {
                findings.append(
                    PostureFinding(
                        "AP-PERM-3", .fail, "the sub-agent inherits its parent's mode: \(fact.detail)",
                        evidence: [(fact.location, fact.detail)]))
            }
        }
        for fact in agent.facts where fact.kind == .unrestrictedGrant || fact.kind == .approvalRemovingMode {
            findings.append(PostureFinding("AP-PERM-4", .fail, fact.detail, evidence: [(fact.location, fact.detail)]))
        }
        // Whether someone runs the agent with that profile is not in the files.
        for fact in agent.facts where fact.kind == .selectableApprovalRemovingMode {
            findings.append(
                PostureFinding("AP-PERM-4", .unverified, fact.detail, evidence: [(fact.location, fact.detail)]))
        }
    }

    /// `allowed_tools`, static: every reachable tool must be named by an entry, with the same matching as traces
    /// (`mcp__server__tool` and `server/tool` normalised, an entry without a server naming the tool on any server,
    /// globs). A server whose tools are unknown (`*`) is `unverified` unless an entry covers all of its tools.
    private static func allowlist(_ agent: AgentPosture, _ allowed: [String], into findings: inout [PostureFinding]) {
        let allowlist = ToolAllowlist(allowed)
        var outside: [ToolGrant] = []
        var unknown: [ToolGrant] = []
        var seen: Set<String> = []
        for grant in agent.tools {
            let name = grant.server.map { "\($0)/\(grant.name)" } ?? grant.name
            guard seen.insert(name).inserted else { continue }
            switch allowlist.allows(name) {
            case true?: continue
            case false? where grant.name != "*": outside.append(grant)
            default: unknown.append(grant)
            }
        }
        if !outside.isEmpty {
            let names = outside.map { grant in grant.server.map { "\($0)/\(grant.name)" } ?? grant.name }
            findings.append(
                PostureFinding(
                    "AP-PERM-1", .fail,
                    "\(outside.count) reachable tool(s) outside allowed_tools: "
                        + names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : ""),
                    evidence: outside.prefix(10).map { ($0.source, "grant of \($0.displayName)") }))
        }
        if !unknown.isEmpty {
            findings.append(
                PostureFinding(
                    "AP-PERM-1", .unverified,
                    "whether \(unknown.prefix(8).map(\.displayName).joined(separator: ", ")) "
                        + "\(unknown.count > 8 ? "(and more) " : "")are in allowed_tools cannot be decided (tools "
                        + "unknown, or too many glob entries)",
                    evidence: unknown.prefix(10).map { ($0.source, "grant of \($0.displayName)") }))
        }
    }

    private static func toolChain(_ agent: AgentPosture, into findings: inout [PostureFinding], forbidTrifecta: Bool) {
        let purpose = ((agent.purpose ?? "") + " " + agent.name).lowercased()
        if ["summar", "read-only", "readonly", "digest"].contains(where: { purpose.contains($0) }) {
            let executing = agent.tools.filter { $0.classes[.codeExecution] != nil || $0.classes[.shell] != nil }
            if !executing.isEmpty {
                findings.append(
                    PostureFinding(
                        "AP-TOOL-1", .fail, "a read/summarize agent holds code execution or a shell",
                        evidence: executing.prefix(5).map { ($0.source, $0.displayName) }))
            }
        }
        if forbidTrifecta { trifecta(agent, into: &findings) }
        let untrusted = holders(agent, .untrustedContentIn)
        let destructive = holders(agent, .destructive)
        if !untrusted.isEmpty, !destructive.isEmpty {
            findings.append(
                PostureFinding(
                    "AP-TOOL-3", .fail, "untrusted content in and a destructive tool in one agent",
                    evidence: (untrusted.prefix(2) + destructive.prefix(2)).map { ($0.source, $0.displayName) }))
        }
        for fact in agent.facts where fact.kind == .unpinnedServer {
            findings.append(PostureFinding("AP-TOOL-4", .fail, fact.detail, evidence: [(fact.location, fact.detail)]))
        }
    }

    private static func holders(_ agent: AgentPosture, _ capability: CapabilityClass) -> [ToolGrant] {
        agent.tools.filter { $0.classes[capability] != nil }
    }

    /// Rule of Two across every server and built-in of the agent. A leg held only by heuristics, or a possible
    /// leg behind tools of unknown class, makes the result `unverified`, never a pass.
    private static func trifecta(_ agent: AgentPosture, into findings: inout [PostureFinding]) {
        let legs: [(String, [CapabilityClass])] = [
            ("untrusted content in", [.untrustedContentIn]), ("sensitive data read", [.sensitiveDataRead]),
            ("egress or side effect", [.networkEgress, .externalSideEffect]),
        ]
        var evidence: [(SourceLocation, String)] = []
        var held = 0
        var firm = 0
        for (label, classes) in legs {
            let tools = agent.tools.filter { tool in classes.contains { tool.classes[$0] != nil } }
            guard !tools.isEmpty else { continue }
            held += 1
            let strong = tools.contains { tool in classes.contains { (tool.classes[$0] ?? .heuristic) > .heuristic } }
            if strong { firm += 1 }
            evidence += tools.prefix(2).map { ($0.source, "\(label): \($0.displayName)") }
        }
        if held == 3 {
            findings.append(
                PostureFinding(
                    "AP-TOOL-2", firm == 3 ? .fail : .unverified,
                    firm == 3
                        ? "untrusted content, sensitive data and egress/side effects meet in one agent"
                        : "the three legs meet, but at least one rests on name heuristics only",
                    evidence: evidence))
        } else if held == 2, agent.tools.contains(where: \.classesUnknown) {
            findings.append(
                PostureFinding(
                    "AP-TOOL-2", .unverified, "two legs are held and some tools' classes are unknown",
                    evidence: evidence))
        }
    }

    /// AP-CODE-1: pull requests mergeable without an independent review. Read only from exported rulesets or
    /// branch protections; a pull-request-opening agent (Copilot) without any is `unverified`.
    private static func reviewGate(_ agent: AgentPosture, into findings: inout [PostureFinding]) {
        guard agent.parent == nil, agent.opensPullRequests || !agent.reviewGates.isEmpty else { return }
        if agent.reviewGates.contains(where: \.requiresReview) { return }
        if agent.reviewGates.isEmpty {
            findings.append(
                PostureFinding(
                    "AP-CODE-1", .unverified,
                    "the agent opens pull requests; no ruleset or branch protection export was read to show they need "
                        + "an independent review"))
        } else {
            findings.append(
                PostureFinding(
                    "AP-CODE-1", .fail, "the agent's pull requests can be merged without an independent review",
                    evidence: agent.reviewGates.prefix(5).map { ($0.location, $0.detail) }))
        }
    }

    /// AP-CODE-2: an open network with secrets in reach is `fail`; with some guard in place it cannot be decided
    /// from the files (which secrets remain readable) and is `unverified`.
    private static func codingAgent(_ agent: AgentPosture, into findings: inout [PostureFinding]) {
        guard agent.parent == nil, let open = agent.facts.first(where: { $0.kind == .unrestrictedNetwork }) else {
            return
        }
        let guards = agent.facts.filter { $0.kind == .secretsGuarded }
        findings.append(
            PostureFinding(
                "AP-CODE-2", guards.isEmpty ? .fail : .unverified,
                guards.isEmpty
                    ? "the network is unrestricted and nothing keeps secrets from the agent"
                    : "the network is unrestricted; some secrets are guarded, whether others are readable is unknown",
                evidence: [(open.location, open.detail)] + guards.prefix(3).map { ($0.location, $0.detail) }))
    }

    /// AP-EXEC-2, static: more sub-agents defined than `max_sub_agents` is `fail`; a spawn tool within the
    /// limit leaves the per-run count to traces (`unverified`).
    private static func subAgents(
        _ agent: AgentPosture, limit: Int, defined: Int, into findings: inout [PostureFinding]
    ) {
        let spawners = agent.tools.filter { $0.classes[.subAgentSpawn] != nil }
        if defined > limit {
            findings.append(
                PostureFinding(
                    "AP-EXEC-2", .fail, "\(defined) sub-agent(s) defined; the policy allows \(limit)",
                    evidence: spawners.prefix(3).map { ($0.source, $0.displayName) }))
        } else if !spawners.isEmpty {
            findings.append(
                PostureFinding(
                    "AP-EXEC-2", .unverified,
                    "the agent can spawn sub-agents (\(spawners[0].displayName)); spawns per run need traces",
                    evidence: spawners.prefix(3).map { ($0.source, $0.displayName) }))
        }
    }

    private static func approvals(_ agent: AgentPosture, into findings: inout [PostureFinding]) {
        for grant in agent.tools where grant.isWriting || grant.classesUnknown {
            switch grant.approval {
            case .ask: continue
            case .none where grant.classesUnknown:
                findings.append(
                    PostureFinding(
                        "AP-EXEC-3", .unverified, "\(grant.displayName) runs without approval; its classes are unknown",
                        evidence: [(grant.source, grant.displayName)]))
            case .none where grant.specifier != nil && grant.classes[.filesystemWrite] == nil:
                findings.append(
                    PostureFinding(
                        "AP-EXEC-3", .unverified,
                        "\(grant.displayName) is pre-approved for a command pattern; whether it writes is not known",
                        evidence: [(grant.source, grant.displayName)]))
            case .none:
                findings.append(
                    PostureFinding(
                        "AP-EXEC-3", .fail, "\(grant.displayName) can write and runs without human approval",
                        evidence: [(grant.source, grant.displayName)]))
            case .unknown:
                findings.append(
                    PostureFinding(
                        "AP-EXEC-3", .unverified, "whether \(grant.displayName) asks a human is not configured here",
                        evidence: [(grant.source, grant.displayName)]))
            }
        }
    }
}
