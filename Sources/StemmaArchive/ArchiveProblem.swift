/// Something in an archive that two common readers (GNU tar, bsdtar, Python's `tarfile`) would read differently.
/// A problem is a verdict on the archive, not a failure to read it.
public struct ArchiveProblem: Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Sendable, Equatable {
        /// Readers disagree about which names hold which bytes.
        case ambiguous
    }

    /// The kind of problem.
    public var kind: Kind
    /// The member it concerns, as stored (escaped for display), or the archive offset when there is no member.
    public var member: String
    /// A sentence naming the member and what the readers would disagree on.
    public var message: String

    /// Creates a problem.
    public init(_ kind: Kind, member: String, _ message: String) {
        self.kind = kind
        self.member = member
        self.message = message
    }

    public var description: String { message }
}
