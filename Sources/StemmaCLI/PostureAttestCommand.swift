import ArgumentParser
import StemmaAttestation
import StemmaCore
import StemmaPosture

#if canImport(Glibc)
    import Glibc
#endif

struct PostureAttestCommand: ParsableCommand, QuietCommand {
    static let configuration = CommandConfiguration(
        commandName: "attest",
        abstract: "Sign one agent's evaluated posture as an in-toto Statement v1 in a DSSE envelope.",
        discussion: """
            Evaluates the posture as `stemma posture` does and signs the result for agent --agent (its id as
            `stemma posture` reports it). Predicate type https://stemma.dev/posture/v1: agent, card, policy
            (with its SHA-256), evaluation time, tools with classes, evidence and approval, scopes, sub-agents,
            approvals, limits and every rule's result. Subjects: the A2A card as "a2a-card:<name>" with the SHA-256
            of its RFC 8785 form without signatures, every configuration file the agent was read from, and the
            policy file. Failing rules are recorded, not refused: the caller's `verify-attestation --require` decides.

            Exit status: 0 written (even when the posture has failures), 2 could not attest.

            Example:
              stemma posture attest --agent billing --inventory fleet/ --policy policies/ \\
                  --jwks provider.jwks.json --private-key posture.pem --output posture.intoto.json
            """
    )

    /// `--inventory`, `--policy`, `--jwks` and `-o/--output` are the parent's (`stemma posture`) options.
    @ParentCommand var posture: PostureCommand

    var isQuiet: Bool { posture.report.quiet }

    @Option(help: "The agent id, as `stemma posture` reports it.")
    var agent: String

    @Option(
        name: .customLong("private-key"), help: "The PEM private key (ECDSA P-256/P-384/P-521 or Ed25519).",
        completion: .file())
    var privateKey: String

    func validate() throws {
        if posture.report.output == nil { throw ValidationError("give --output FILE for the attestation") }
    }

    func run() throws {
        let (inventory, policy, jwks) = (try posture.requiredInventory(), posture.policy, posture.jwks)
        let output = posture.report.output ?? ""
        let policies = try PosturePolicyLoader.load(path: policy)
        let keys = try jwks.map { path throws(StemmaError) in
            try JSONParser.parse(BoundedFile.read(path, maxBytes: 1 << 20), source: path)
        }
        var report = try PostureAnalysis.run(inventory: inventory, policies: policies, jwks: keys)
        // With `stemma posture --traces … attest`, the predicate carries the agent's runs too (the history is
        // read for baselines and appended to, as for the report).
        if let traces = posture.traces {
            try report.addTraces(path: traces, policies: policies, history: posture.history)
        }
        let content = try PostureAttestation.build(
            report: report, agentID: agent, inventory: inventory, evaluatedAt: Int(time(nil)))
        let statement = InTotoStatement(
            subjects: content.subjects.map { AttestationSubject(name: $0.name, digests: [("sha256", $0.sha256)]) },
            predicateType: PostureAttestation.predicateType, predicate: content.predicate)
        let attestation = try Attester.sign(statement, privateKey: privateKey)
        try AttestationOutput.write(Array((JSONWriter(indent: 2).string(attestation.output) + "\n").utf8), to: output)
        let failing =
            content.predicate["results"]?.arrayValue?.filter { $0["status"]?.stringValue != "pass" }.count ?? 0
        Diagnostics.note(
            TerminalText.escaped(
                "attested the posture of \(agent) (\(content.subjects.count) subject(s), \(failing) rule(s) not "
                    + "passing, key \(attestation.keyid)) -> \(output)"))
    }
}
