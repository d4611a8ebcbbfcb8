/// One tool an agent can reach, with its capability classes, approval and the rule that granted it.
///
/// Tool identity is (agent, server identity, tool name): `server` is the config key and `serverLaunch` what it
/// launches, so two servers with one key that launch different things stay different tools.
public struct ToolGrant: Sendable, Equatable {
    /// The MCP server key, or nil for a platform built-in (`Bash`, `apply_patch`).
    public var server: String?
    /// What the server launches (`npx -y @pkg@1.2`, a URL); nil for built-ins.
    public var serverLaunch: String?
    /// The tool name; `*` when the server's tools are not known (no snapshot).
    public var name: String
    /// A specifier that narrows the grant (`git status` in `Bash(git status)`), if any.
    public var specifier: String?
    /// Each class with its strongest evidence.
    public var classes: [CapabilityClass: CapabilityEvidence]
    /// True when the classes could not be established (a server without a snapshot nor a table entry).
    public var classesUnknown: Bool
    /// Whether a human is asked before it runs.
    public var approval: ToolApproval
    /// Where the grant came from.
    public var source: SourceLocation

    /// A grant.
    public init(
        server: String?, serverLaunch: String? = nil, name: String, specifier: String? = nil,
        classes: [CapabilityClass: CapabilityEvidence], classesUnknown: Bool = false, approval: ToolApproval,
        source: SourceLocation
    ) {
        self.server = server
        self.serverLaunch = serverLaunch
        self.name = name
        self.specifier = specifier
        self.classes = classes
        self.classesUnknown = classesUnknown
        self.approval = approval
        self.source = source
    }

    /// `server/name`, or the built-in name, with its specifier.
    public var displayName: String {
        let base = server.map { "\($0)/\(name)" } ?? name
        return specifier.map { "\(base)(\($0))" } ?? base
    }

    /// Whether the tool can change something (the seed's `any_write_operation`).
    public var isWriting: Bool { !CapabilityClass.writing.isDisjoint(with: classes.keys) }
}
