/// What a node of the supply-chain graph stands for.
public enum NodeKind: String, Sendable, CaseIterable, Comparable {
    case model
    case dataset
    case corpus
    case package
    case tool
    case agent
    case artifact

    public static func < (lhs: NodeKind, rhs: NodeKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
