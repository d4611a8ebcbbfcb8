/// How a dependent relates to what it depends on. Edges point from the dependent to the dependency.
public enum Relation: String, Sendable, CaseIterable {
    case fineTunedFrom = "fine-tuned-from"
    case adapterOf = "adapter-of"
    case quantizedFrom = "quantized-from"
    case mergedFrom = "merged-from"
    case trainedOn = "trained-on"
    case evaluatedOn = "evaluated-on"
    case derivedFrom = "derived-from"
    case retrievesFrom = "retrieves-from"
    case embedsWith = "embeds-with"
    case usesModel = "uses-model"
    case requiresPackage = "requires-package"
    case usesTool = "uses-tool"
    case spawns
    case contains
    /// From a name-level node (any version) to one of its versions: if a version is bad, a dependent that
    /// did not pin a version may be running it.
    case anyVersion = "any-version"

    /// Whether risk flows from the dependency back to the dependent over this relation. Evaluation data does
    /// not change a model's weights, so `evaluated-on` does not carry risk; everything else does.
    public var propagatesRisk: Bool { self != .evaluatedOn }

    /// Parses the spellings people write (`fine-tuned-from`, `finetune`, `adapter`, `quantized`, `merge`, …).
    public init?(loose text: String) {
        let key = text.lowercased().replacing("_", with: "-")
        if let exact = Relation(rawValue: key) {
            self = exact
            return
        }
        switch key {
        case "finetune", "fine-tune", "finetuned-from", "fine-tuned": self = .fineTunedFrom
        case "adapter": self = .adapterOf
        case "quantized", "quantization", "quantised": self = .quantizedFrom
        case "merge", "merged": self = .mergedFrom
        case "trained-on-dataset", "training-data", "trainedon": self = .trainedOn
        case "evaluation", "evaluated-with", "tested-on": self = .evaluatedOn
        case "derived", "source-dataset": self = .derivedFrom
        case "retrieves", "corpus", "uses-corpus": self = .retrievesFrom
        case "embeddings", "embedding-model": self = .embedsWith
        case "model", "uses": self = .usesModel
        case "package", "requires", "depends-on", "uses-package": self = .requiresPackage
        case "tool": self = .usesTool
        case "sub-agent", "subagent", "calls-agent", "uses-agent": self = .spawns
        default: return nil
        }
    }
}

extension Relation {
    /// The relation a dependency most likely has when a document lists it without saying how (a CycloneDX
    /// `dependencies` entry, an agent's list of refs): by the kinds at both ends.
    public static func implied(from dependent: NodeKind, to dependency: NodeKind) -> Relation {
        switch (dependent, dependency) {
        case (_, .artifact): return .contains
        case (.model, .model): return .fineTunedFrom
        case (.model, .dataset),
            (.dataset, .dataset) where dependent == .model:
            return .trainedOn
        case (.dataset, .dataset), (.corpus, .dataset), (.corpus, .corpus): return .derivedFrom
        case (.corpus, .model): return .embedsWith
        case (_, .model): return .usesModel
        case (_, .corpus), (.agent, .dataset): return .retrievesFrom
        case (_, .package): return .requiresPackage
        case (_, .tool): return .usesTool
        case (_, .agent): return .spawns
        default: return .trainedOn
        }
    }
}
