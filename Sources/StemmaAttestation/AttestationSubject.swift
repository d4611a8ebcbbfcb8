public import StemmaCore

/// One subject of an in-toto Statement: an artifact's name and its digests (algorithm → lowercase hex).
public struct AttestationSubject: Sendable, Equatable {
    /// The artifact's name; may be empty when the statement gives none.
    public var name: String
    /// Digests in statement order, such as `("sha256", "0be8…")`.
    public var digests: [(algorithm: String, hex: String)]

    /// Creates a subject.
    public init(name: String, digests: [(algorithm: String, hex: String)]) {
        self.name = name
        self.digests = digests
    }

    /// The SHA-256 digest, when the subject has one.
    public var sha256: String? { digests.first { $0.algorithm == "sha256" }?.hex }

    /// The ResourceDescriptor JSON: `{"name", "digest": {...}}`.
    public func jsonValue() -> JSONValue {
        .object([
            ("name", .string(name)),
            ("digest", .object(digests.map { ($0.algorithm, .string($0.hex)) })),
        ])
    }

    /// Two subjects are equal when names and digests (in order) are.
    public static func == (lhs: AttestationSubject, rhs: AttestationSubject) -> Bool {
        lhs.name == rhs.name && lhs.digests.map(\.algorithm) == rhs.digests.map(\.algorithm)
            && lhs.digests.map(\.hex) == rhs.digests.map(\.hex)
    }
}
