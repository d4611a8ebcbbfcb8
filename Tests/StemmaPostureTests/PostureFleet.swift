import StemmaCore
import StemmaPosture
import StemmaTestSupport

/// A temporary inventory folder, evaluated against policies: the findings per agent, as (rule, status) pairs.
struct PostureFleet {
    let folder: TemporaryFolder

    init() throws { folder = try TemporaryFolder() }

    @discardableResult
    func write(_ path: String, _ text: String) throws -> String { try folder.write("fleet/" + path, text) }

    func report(policy: String? = nil) throws -> PostureReport {
        let policies = try policy.map { try PosturePolicyLoader.parse(Array($0.utf8), source: "policy.yaml") } ?? []
        return try PostureAnalysis.run(inventory: folder.url("fleet"), policies: policies)
    }

    static func agent(_ report: PostureReport, _ id: String) throws -> AgentPostureResult {
        guard let result = report.agents.first(where: { $0.agent.id == id }) else {
            throw TestSupportError("no agent \(id) in \(report.agents.map(\.agent.id))")
        }
        return result
    }

    /// `rule:status` strings of one agent's findings, for exact comparisons.
    static func findings(_ report: PostureReport, _ id: String) throws -> [String] {
        try agent(report, id).findings.map { "\($0.rule.id):\($0.status.rawValue)" }
    }

    static func fixture(_ name: String) -> String {
        BuiltProducts.repositoryRoot() + "/Tests/StemmaPostureTests/Fixtures/examples/" + name
    }

    static func fixtureText(_ name: String) throws -> String {
        String(decoding: try BoundedFile.read(fixture(name)), as: UTF8.self)
    }

    /// A `stemma.yaml` agent manifest with a name and owner, so identity and governance rules stay quiet.
    static func manifest(name: String, owner: String? = "team-a", stage: String = "production", extra: String = "")
        -> String
    {
        """
        stemma: component/v1
        kind: agent
        name: \(name)
        \(owner.map { "owner: \($0)" } ?? "")
        stage: \(stage)
        \(extra)
        """
    }

    /// A policy for every agent (`*`) with the given body lines under `agent_posture_policy`.
    static func policy(_ id: String = "*", requireApproval: Bool = false) -> String {
        """
        agent_posture_policy:
          identity: {agent_id: "\(id)"}
          execution: {requires_human_approval: [\(requireApproval ? "any_write_operation" : "")]}
        """
    }
}
