/// A place in a configuration file: the path relative to the inventory root and a 1-based line when known.
public struct SourceLocation: Sendable, Equatable, Hashable {
    /// The path, relative to the inventory folder (a policy: as given).
    public var path: String
    /// The 1-based line, or nil when it could not be found.
    public var line: Int?

    /// A location.
    public init(path: String, line: Int? = nil) {
        self.path = path
        self.line = line
    }

    /// `path:line`, or just `path`.
    public var display: String { line.map { "\(path):\($0)" } ?? path }
}

/// A file an agent's posture was read from, with the SHA-256 of the bytes read.
public struct PostureSourceFile: Sendable, Equatable {
    /// The path, relative to the inventory folder (a policy: as given).
    public var path: String
    /// Lowercase hex SHA-256 of the bytes read.
    public var sha256: String

    /// A source file.
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// A fact a rule looks at, with where it was read (a mode that removes approval, a wildcard, a literal secret).
public struct PostureFact: Sendable, Equatable {
    /// What kind of fact.
    public enum Kind: String, Sendable {
        /// A grant without limits (`Bash`, `Bash(*)`, `Shell(*)`, MCP `tools: ["*"]` on a writing server).
        case unrestrictedGrant
        /// A mode that removes human approval (`bypassPermissions`, `dontAsk`, `never` + `danger-full-access`).
        case approvalRemovingMode
        /// A literal credential in a config file (the detail names the key and a digest prefix, never the value).
        case literalCredential
        /// A mode that removes approval, defined but not active (a Codex profile selectable with `--profile`).
        case selectableApprovalRemovingMode
        /// An MCP server launched without a pinned version.
        case unpinnedServer
        /// A coding agent whose network is not restricted (no sandbox network allowlist, network_access on).
        case unrestrictedNetwork
        /// Something keeps secrets from the agent (deny rules on secret paths, excluded environment variables).
        case secretsGuarded
    }

    /// The kind.
    public var kind: Kind
    /// A sentence for people (never a secret value).
    public var detail: String
    /// Where the fact was read.
    public var location: SourceLocation

    /// A fact.
    public init(_ kind: Kind, _ detail: String, at location: SourceLocation) {
        self.kind = kind
        self.detail = detail
        self.location = location
    }
}
