/// An agent below a flagged component, and the chain that explains why.
public struct AffectedAgent: Sendable {
    public var ref: ComponentRef
    /// The highest severity among the flagged components that reach it.
    public var severity: ImpactSeverity
    /// From the agent down to the flagged component, both included.
    public var path: [ComponentRef]
    /// The relation of each step: `relations[i]` links `path[i]` to `path[i + 1]`.
    public var relations: [Relation]
    /// The flagged component at the end of the path.
    public var flaggedBy: ComponentRef
    /// Owner, account, stage and whatever else the inventory said about the agent.
    public var properties: [String: String]
}

/// The answer to "which agents does this reach?".
public struct ImpactResult: Sendable {
    /// The query as given (a ref, or the advisories used).
    public var query: String
    /// What was flagged and found in the graph, with the graph's refs (a name-level query lists its versions).
    public var flagged: [FlaggedComponent]
    /// Affected agents, most severe first, then by ref.
    public var affected: [AffectedAgent]
    /// Components other than agents that the risk reached.
    public var affectedComponentCount: Int
    public var warnings: [InventoryWarning]
}
