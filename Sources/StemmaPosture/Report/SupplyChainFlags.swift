public import StemmaCore
public import StemmaGraph
import StemmaInventory

/// A supply-chain flag that reaches an agent (from `impact`'s graph over the same inventory): the flagged
/// component, its severity and the chain from the agent down to it.
public struct SupplyChainFlag: Sendable, Equatable {
    /// The flagged component (purl or reference).
    public var component: String
    /// The flag severity.
    public var severity: String
    /// The chain from the agent to the component.
    public var path: [String]

    /// A flag.
    public init(component: String, severity: String, path: [String]) {
        self.component = component
        self.severity = severity
        self.path = path
    }
}

/// Runs `impact`'s analysis over the posture inventory and keys the affected agents by name, so posture and
/// impact talk about the same agents (a `stemma.yaml` agent is one graph node for both).
public enum SupplyChainFlags {
    /// The flags per agent name (inventory read as `stemma impact` reads it).
    public static func compute(
        inventory: String, advisories: [String], revoked: [String], flags: [ComponentRef], severity: ImpactSeverity
    ) throws(StemmaError) -> [String: [SupplyChainFlag]] {
        var request = ImpactRequest(query: nil, queryText: nil, inventory: [inventory])
        request.advisories = advisories
        request.revocationLists = revoked
        request.manualFlags = flags
        request.severity = severity
        let outcome = try ImpactAnalysis.run(request)
        var result: [String: [SupplyChainFlag]] = [:]
        for agent in outcome.result.affected where agent.ref.kind == .agent {
            result[agent.ref.name, default: []].append(
                SupplyChainFlag(
                    component: agent.flaggedBy.description, severity: agent.severity.rawValue,
                    path: agent.path.map(\.description)))
        }
        return result
    }
}
