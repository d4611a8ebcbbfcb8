public import StemmaCore

/// The outcome of checking an attestation: verified, or failed with reasons that name the files.
public struct AttestationVerdict: Sendable {
    /// The envelope or bundle file checked.
    public var envelope: String
    /// The predicate type of the verified statement (nil when the payload was never trusted or parsed).
    public var predicateType: String?
    /// The statement's subjects (empty when the payload was never trusted or parsed).
    public var subjects: [AttestationSubject] = []
    /// The statement's predicate, once the signature and statement checked out.
    public var predicate: JSONValue?
    /// Key ids of the trusted keys whose signatures verified.
    public var signers: [String] = []
    /// Why verification failed; empty when it passed.
    public var reasons: [String] = []

    /// Creates an empty verdict for `envelope`.
    public init(envelope: String) { self.envelope = envelope }

    /// Verified: at least one trusted signature and no failed check.
    public var isVerified: Bool { reasons.isEmpty && !signers.isEmpty }

    /// `{"schemaVersion", "verdict", "predicateType", "subjects", "signers", "reasons"}`, as
    /// `schemas/attestation-verdict.schema.json` describes it.
    public func jsonValue() -> JSONValue {
        .object([
            ("schemaVersion", .integer(1)),
            ("verdict", .string(isVerified ? "verified" : "failed")),
            ("envelope", .string(envelope)),
            ("predicateType", predicateType.map { .string($0) } ?? .null),
            ("subjects", .array(subjects.map { $0.jsonValue() })),
            ("signers", .array(signers.map { .string($0) })),
            ("reasons", .array(reasons.map { .string($0) })),
        ])
    }

    /// A few lines for people: the verdict, then the statement or the reasons. Values from the envelope (names,
    /// types, digests, reasons that quote them) are escaped with ``TerminalText``.
    public func text(style: TextStyle) -> String {
        var lines: [String] = []
        if isVerified {
            lines.append("\(style.green("verified")) \(envelope.terminalEscaped)")
        } else {
            lines.append("\(style.red("not verified")) \(envelope.terminalEscaped)")
        }
        if let predicateType { lines.append("  predicate type: \(predicateType.terminalEscaped)") }
        for subject in subjects {
            let digests = subject.digests.map { "\($0.algorithm):\($0.hex)" }.joined(separator: " ").terminalEscaped
            lines.append(
                "  subject: \(subject.name.isEmpty ? "_" : subject.name.terminalEscaped) \(style.dim(digests))")
        }
        for signer in signers { lines.append("  signed by key \(signer.terminalEscaped)") }
        for reason in reasons { lines.append("  \(style.red("-")) \(reason.terminalEscaped)") }
        return lines.joined(separator: "\n")
    }
}
