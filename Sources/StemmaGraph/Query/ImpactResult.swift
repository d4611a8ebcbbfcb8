/// A component below a flagged component (an agent, a model, a package, …), and the chain that explains why.
public struct AffectedComponent: Sendable {
    public var ref: ComponentRef
    /// The highest severity among the flagged components that reach it.
    public var severity: ImpactSeverity
    /// From the component down to the flagged component, both included (unless ``pathTruncated``).
    public var path: [ComponentRef]
    /// The relation of each step: `relations[i]` links `path[i]` to `path[i + 1]`.
    public var relations: [Relation]
    /// The flagged component at the end of the path.
    public var flaggedBy: ComponentRef
    /// Owner, account, stage and whatever else the inventory said about the component.
    public var properties: [String: String]
    /// Whether ``path`` was cut after ``ImpactQuery/maxComponentPathSteps`` steps (components other than agents
    /// only); ``flaggedBy`` still names what flagged it.
    public var pathTruncated = false

    /// Agents first (they are what a team owns and ships), then most severe, then by ref.
    static func reportOrder(_ a: AffectedComponent, _ b: AffectedComponent) -> Bool {
        let (aAgent, bAgent) = (a.ref.kind == .agent, b.ref.kind == .agent)
        if aAgent != bAgent { return aAgent }
        if a.severity != b.severity { return a.severity > b.severity }
        return a.ref < b.ref
    }
}

/// The name this type had when only agents were reported.
public typealias AffectedAgent = AffectedComponent

/// The answer to "which agents does this reach?".
public struct ImpactResult: Sendable {
    /// The query as given (a ref, or the advisories used).
    public var query: String
    /// What was flagged and found in the graph, with the graph's refs (a name-level query lists its versions).
    public var flagged: [FlaggedComponent]
    /// Affected components, flagged ones included: agents first, then most severe, then by ref. ``filtered(to:)``
    /// may have kept only some kinds.
    public var affected: [AffectedComponent]
    /// Agents the risk reached, whatever ``affected`` keeps.
    public var affectedAgentCount: Int
    /// Components other than agents that the risk reached, whatever ``affected`` keeps.
    public var affectedComponentCount: Int
    public var warnings: [InventoryWarning]

    /// The affected agents.
    public var agents: [AffectedComponent] { affected.filter { $0.ref.kind == .agent } }

    /// The same answer listing only components of `kinds` (the counts still cover everything reached).
    public func filtered(to kinds: Set<NodeKind>) -> ImpactResult {
        var result = self
        result.affected = affected.filter { kinds.contains($0.ref.kind) }
        return result
    }

    /// The affected agents at or above `threshold` (every affected agent when it is nil): what the `--fail-on`
    /// gate fails on. An agent reached only by an advisory of unknown severity counts at every threshold, since
    /// that advisory may be critical: the gate fails closed.
    public func agents(atLeast threshold: ImpactSeverity?) -> [AffectedComponent] {
        affected.filter { component in
            guard component.ref.kind == .agent else { return false }
            guard let threshold else { return true }
            return component.severity == .unknown || component.severity >= threshold
        }
    }
}
