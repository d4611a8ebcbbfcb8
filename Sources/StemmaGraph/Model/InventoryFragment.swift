/// How Stemma knows a fact: read from a document, checked against bytes, or guessed.
public enum EvidenceStatus: String, Sendable, Comparable {
    /// Read from a card, manifest, BOM or lockfile.
    case declared
    /// A digest was recomputed or a signature checked.
    case verified
    /// Derived by a heuristic (a launch command, a URL, a file name).
    case inferred

    private var rank: Int { self == .verified ? 2 : (self == .declared ? 1 : 0) }
    public static func < (lhs: EvidenceStatus, rhs: EvidenceStatus) -> Bool { lhs.rank < rhs.rank }
}

/// Where an edge or component came from.
public struct Evidence: Hashable, Sendable {
    /// The file that stated it.
    public var source: String
    public var status: EvidenceStatus

    public init(source: String, status: EvidenceStatus) {
        self.source = source
        self.status = status
    }
}

/// A component as one input document describes it.
public struct ComponentRecord: Sendable {
    public var ref: ComponentRef
    /// Free-form attributes kept for reports: `owner`, `stage`, `account`, `license`, `source`, `description`…
    public var properties: [String: String]
    /// SHA-256 digests (lowercase hex) of the component's files; each becomes a `contains` edge to an artifact.
    public var artifacts: [String]
    /// The document it came from.
    public var source: String

    public init(ref: ComponentRef, properties: [String: String] = [:], artifacts: [String] = [], source: String) {
        self.ref = ref
        self.properties = properties
        self.artifacts = artifacts
        self.source = source
    }
}

/// The dependent end of an edge.
public enum EdgeOrigin: Hashable, Sendable {
    /// A named component.
    case component(ComponentRef)
    /// Whatever agent is declared in this folder (or the nearest folder above it): how a lockfile or an MCP
    /// config that sits beside an agent's manifest or card is attached to that agent.
    case agentOfFolder(String)
}

/// A dependency as one input document states it.
public struct EdgeRecord: Sendable {
    public var from: EdgeOrigin
    public var to: ComponentRef
    public var relation: Relation
    public var evidence: Evidence

    public init(from: EdgeOrigin, to: ComponentRef, relation: Relation, evidence: Evidence) {
        self.from = from
        self.to = to
        self.relation = relation
        self.evidence = evidence
    }

    public init(from: ComponentRef, to: ComponentRef, relation: Relation, evidence: Evidence) {
        self.init(from: .component(from), to: to, relation: relation, evidence: evidence)
    }
}

/// A problem with one input that did not stop the rest of the inventory.
public struct InventoryWarning: Sendable, Hashable, CustomStringConvertible {
    /// The file (or folder) concerned.
    public var source: String
    public var message: String
    /// Whether the input was recognised but not read in full because it crossed a bound (a size, count or depth
    /// limit). An answer built without it could miss a dependency, so commands that answer from the inventory
    /// refuse to (`InventoryInputs.requireComplete`), where a malformed file stays a warning.
    public var isIncomplete: Bool

    public init(source: String, message: String, incomplete: Bool = false) {
        self.source = source
        self.message = message
        self.isIncomplete = incomplete
    }

    public var description: String { "\(source): \(message)" }
}

/// What one input file contributes to the graph.
public struct InventoryFragment: Sendable {
    public var components: [ComponentRecord] = []
    public var edges: [EdgeRecord] = []
    public var warnings: [InventoryWarning] = []

    public init(components: [ComponentRecord] = [], edges: [EdgeRecord] = [], warnings: [InventoryWarning] = []) {
        self.components = components
        self.edges = edges
        self.warnings = warnings
    }

    /// Appends another fragment.
    public mutating func merge(_ other: InventoryFragment) {
        components += other.components
        edges += other.edges
        warnings += other.warnings
    }
}
