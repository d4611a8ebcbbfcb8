public import StemmaCore

/// Where in a file a finding was made and what was seen there: the evidence a reviewer needs to check it by hand.
public struct ScanEvidence: Sendable, Equatable {
    /// The path of the member inside the file's containers, outermost first (`["archive/data.pkl"]`, or
    /// `["inner.zip", "model/data.pkl"]` for a zip inside a zip). Empty for the file itself.
    public var member: [String]
    /// Which pickle of a stacked stream (0 for the first).
    public var pickleIndex: Int?
    /// Byte offset of the opcode (or structure) inside the member's bytes.
    public var offset: Int?
    /// The opcode's name, as `pickletools` spells it (`STACK_GLOBAL`, `REDUCE`).
    public var opcode: String?
    /// The global after normalisation, `module.qualname` (`os.system` for `posix system`).
    public var global: String?
    /// The global as the file spells it, when normalisation changed it (`posix.system`).
    public var spelledAs: String?
    /// Whether the global is called (REDUCE, INST, OBJ, NEWOBJ, BUILD) and not just imported.
    public var called: Bool?
    /// Anything else worth showing: a layer's class name, an op name, a path, a template fragment.
    public var detail: String?

    public init(
        member: [String] = [], pickleIndex: Int? = nil, offset: Int? = nil, opcode: String? = nil,
        global: String? = nil, spelledAs: String? = nil, called: Bool? = nil, detail: String? = nil
    ) {
        self.member = member
        self.pickleIndex = pickleIndex
        self.offset = offset
        self.opcode = opcode
        self.global = global
        self.spelledAs = spelledAs
        self.called = called
        self.detail = detail
    }

    /// The same evidence one container level deeper: `name` is prepended to the member path.
    public func inside(_ name: String) -> ScanEvidence {
        var copy = self
        copy.member.insert(name, at: 0)
        return copy
    }
}

/// One thing a scan found, with the verdict it implies and its evidence.
public struct ScanFinding: Sendable, Equatable {
    /// The stable code (`scan.dangerous-global`, see `FindingCode+Scan.swift` and its siblings).
    public var code: FindingCode
    /// The verdict this finding alone implies for its file.
    public var verdict: ScanVerdict
    /// A sentence for people.
    public var message: String
    /// Where and what.
    public var evidence: ScanEvidence

    public init(_ code: FindingCode, _ verdict: ScanVerdict, _ message: String, evidence: ScanEvidence = ScanEvidence())
    {
        self.code = code
        self.verdict = verdict
        self.message = message
        self.evidence = evidence
    }

    /// The same finding one container level deeper.
    public func inside(_ name: String) -> ScanFinding {
        var copy = self
        copy.evidence = evidence.inside(name)
        return copy
    }
}

extension Array where Element == ScanFinding {
    /// The worst verdict among the findings; `safe` when there are none.
    public var worstVerdict: ScanVerdict { map(\.verdict).max() ?? .safe }
}
