/// A component known to be bad, and why.
public struct FlaggedComponent: Sendable, Hashable {
    /// What is flagged; without a version it flags every version.
    public var ref: ComponentRef
    public var severity: ImpactSeverity
    /// A sentence for people ("OSV PYSEC-2023-18: arbitrary code execution in LLMMathChain").
    public var reason: String
    /// The advisory id, when an advisory flagged it.
    public var advisory: String?

    public init(ref: ComponentRef, severity: ImpactSeverity, reason: String, advisory: String? = nil) {
        self.ref = ref
        self.severity = severity
        self.reason = reason
        self.advisory = advisory
    }
}
