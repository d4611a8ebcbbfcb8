import StemmaCore
import StemmaCrypto

/// The posture's view of an A2A card's signatures: ``AgentCardJWS`` (the one JWS/JCS implementation, also behind
/// `stemma verify-card`) reduced to valid, invalid or undecided.
enum AgentCardSignature {
    enum Outcome: Equatable {
        case valid(kid: String)
        case invalid(String)
        case undecided(String)
    }

    static func verify(card: JSONValue, jwks: JSONValue) -> Outcome {
        guard let signatures = card["signatures"]?.arrayValue, !signatures.isEmpty else { return .invalid("unsigned") }
        let result: CardVerification
        do {
            result = try AgentCardJWS.verify(card: card, jwks: jwks)
        } catch {
            return .undecided("the card cannot be canonicalized (RFC 8785): \(error.message)")
        }
        if let kid = result.validKid { return .valid(kid: kid) }
        let reasons = result.checks.map { "signature \($0.index): \($0.reason)" }.joined(separator: "; ")
        // Only algorithms Stemma does not implement (not `none`, not a missing one) leave the question open.
        let onlyUnknownAlgorithms = result.checks.allSatisfy {
            $0.status == .unsupported && $0.algorithm != nil && $0.algorithm != "none"
        }
        return onlyUnknownAlgorithms ? .undecided(reasons) : .invalid(reasons)
    }
}
