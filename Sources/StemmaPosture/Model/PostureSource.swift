/// A place in a configuration file: the path relative to the inventory root and a 1-based line when known.
public struct SourceLocation: Sendable, Equatable, Hashable {
    public var path: String
    public var line: Int?

    public init(path: String, line: Int? = nil) {
        self.path = path
        self.line = line
    }

    /// `path:line`, or just `path`.
    public var display: String { line.map { "\(path):\($0)" } ?? path }
}

/// A file an agent's posture was read from, with the SHA-256 of the bytes read.
public struct PostureSourceFile: Sendable, Equatable {
    public var path: String
    public var sha256: String

    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// A fact a rule looks at, with where it was read (a mode that removes approval, a wildcard, a literal secret).
public struct PostureFact: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A grant without limits (`Bash`, `Bash(*)`, `Shell(*)`, MCP `tools: ["*"]` on a writing server).
        case unrestrictedGrant
        /// A mode that removes human approval (`bypassPermissions`, `dontAsk`, `never` + `danger-full-access`).
        case approvalRemovingMode
        /// A literal credential in a config file (the detail names the key and a digest prefix, never the value).
        case literalCredential
        /// An MCP server launched without a pinned version.
        case unpinnedServer
        /// A coding agent whose network is not restricted (no sandbox network allowlist, network_access on).
        case unrestrictedNetwork
        /// Something keeps secrets from the agent (deny rules on secret paths, excluded environment variables).
        case secretsGuarded
    }

    public var kind: Kind
    public var detail: String
    public var location: SourceLocation

    public init(_ kind: Kind, _ detail: String, at location: SourceLocation) {
        self.kind = kind
        self.detail = detail
        self.location = location
    }
}
