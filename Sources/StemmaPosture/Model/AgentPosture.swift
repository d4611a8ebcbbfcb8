/// Everything Stemma read about one agent: identity, grants, sub-agents, scopes and the facts rules check.
public struct AgentPosture: Sendable {
    /// The agent's id (its stable id when it has one, otherwise the folder it was found in).
    public var id: String
    /// A display name (the stable name when there is one).
    public var name: String
    /// Platforms whose files describe the agent (`claude-code`, `codex`, `mcp`, `a2a`, `stemma`).
    public var platforms: [String]
    /// Whether `id` is a stable id (an A2A name with provider, an agent file's name, a `stemma.yaml` name).
    public var hasStableID: Bool
    /// The declared owner (`stemma.yaml` `owner`), or nil: `AP-GOV-1`.
    public var owner: String?
    /// `production`, `testing`, `development`, `sandbox`, or nil when undeclared.
    public var stage: String?
    /// Data the agent touches, as declared (`pii`, `sensitive`, `financial`).
    public var dataTouched: [String]
    /// What the agent is for (a description), used by the summarizer rule.
    public var purpose: String?
    /// The parent agent's id for a sub-agent.
    public var parent: String?
    /// Every file read for the agent, with its digest.
    public var sources: [PostureSourceFile]
    /// Effective tool grants (after inheritance for sub-agents).
    public var tools: [ToolGrant]
    /// A sub-agent's own `tools` list, or nil when it declares none and inherits everything.
    public var declaredTools: [String]?
    /// Where a sub-agent was defined (for inheritance findings).
    public var definedAt: SourceLocation?
    /// OAuth scopes granted (A2A security requirements, Codex MCP `scopes`, `posture.scopes`).
    public var scopes: [String]
    /// Where the scopes were read.
    public var scopeSources: [SourceLocation]
    /// What the rules look at beyond grants: modes, wildcards, literal secrets, unpinned servers.
    public var facts: [PostureFact]
    /// A2A card signature state: nil when the agent has no card.
    public var cardSignature: CardSignatureState?
    /// Why a signature did not verify, or could not be checked.
    public var cardSignatureDetail: String?
    /// The `kid` of the key a card signature verified with.
    public var cardSignerKid: String?
    /// Where the agent's A2A card was read.
    public var cardLocation: SourceLocation?
    /// How the files were applied, for people: the active Codex profile, configs not applied (an untrusted
    /// project), managed settings over project settings.
    public var notes: [String]
    /// Review gates read from exported repository settings (rulesets, branch protection), for `AP-CODE-1`.
    var reviewGates: [ReviewGate] = []
    /// Whether the agent opens pull requests itself (the Copilot coding agent), for `AP-CODE-1`.
    var opensPullRequests = false

    /// An agent with nothing read yet.
    public init(id: String, name: String, platforms: [String], hasStableID: Bool) {
        self.id = id
        self.name = name
        self.platforms = platforms
        self.hasStableID = hasStableID
        self.owner = nil
        self.stage = nil
        self.dataTouched = []
        self.purpose = nil
        self.parent = nil
        self.sources = []
        self.tools = []
        self.declaredTools = []
        self.definedAt = nil
        self.scopes = []
        self.scopeSources = []
        self.facts = []
        self.cardSignature = nil
        self.cardLocation = nil
        self.notes = []
    }
}

/// What Stemma can say about an A2A card's signatures without keys.
public enum CardSignatureState: String, Sendable {
    /// `signatures` absent or empty.
    case unsigned
    /// Signed, but no keys were given to check against.
    case signedUnchecked
    /// A signature verifies against a key the user gave.
    case verified
    /// No signature verifies against the keys given (wrong key, tampered card, unknown kid).
    case invalid
    /// Signed in a way Stemma cannot check (algorithm, numbers JCS is not implemented for).
    case undecided
}
