import StemmaCore

/// A CVSS v3.0 or v3.1 vector and its base score, computed with the CVSS 3.1 specification's formula.
///
/// Only the eight base metrics matter (`AV`, `AC`, `PR`, `UI`, `S`, `C`, `I`, `A`); temporal and environmental
/// metrics after them are accepted and ignored. Example: `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H` is 9.8.
public struct CVSS3Vector: Hashable, Sendable {
    private let attackVector: Double
    private let attackComplexity: Double
    private let privilegesRequired: Double
    private let userInteraction: Double
    private let scopeChanged: Bool
    private let confidentiality: Double
    private let integrity: Double
    private let availability: Double

    /// Parses a vector string.
    /// - Returns: nil when the prefix is not `CVSS:3.0/` or `CVSS:3.1/`, a base metric is missing, repeated or
    ///   has an undefined value.
    public init?(_ vector: String) {
        guard vector.utf8.count <= 256 else { return nil }
        let parts = vector.trimmedWhitespace.split(separator: "/", omittingEmptySubsequences: false)
        guard let prefix = parts.first, prefix == "CVSS:3.0" || prefix == "CVSS:3.1" else { return nil }
        var metrics: [Substring: Substring] = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pair.count == 2, metrics.updateValue(pair[1], forKey: pair[0]) == nil else { return nil }
        }
        let scopeChanged: Bool
        switch metrics["S"] {
        case "U": scopeChanged = false
        case "C": scopeChanged = true
        default: return nil
        }
        let impact: [Substring: Double] = ["H": 0.56, "L": 0.22, "N": 0]
        guard let attackVector = metrics["AV"].flatMap({ ["N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2][$0] }),
            let attackComplexity = metrics["AC"].flatMap({ ["L": 0.77, "H": 0.44][$0] }),
            let privilegesRequired = metrics["PR"].flatMap({
                ["N": 0.85, "L": scopeChanged ? 0.68 : 0.62, "H": scopeChanged ? 0.5 : 0.27][$0]
            }),
            let userInteraction = metrics["UI"].flatMap({ ["N": 0.85, "R": 0.62][$0] }),
            let confidentiality = metrics["C"].flatMap({ impact[$0] }),
            let integrity = metrics["I"].flatMap({ impact[$0] }),
            let availability = metrics["A"].flatMap({ impact[$0] })
        else { return nil }
        self.attackVector = attackVector
        self.attackComplexity = attackComplexity
        self.privilegesRequired = privilegesRequired
        self.userInteraction = userInteraction
        self.scopeChanged = scopeChanged
        self.confidentiality = confidentiality
        self.integrity = integrity
        self.availability = availability
    }

    /// The base score, 0.0 to 10.0 in steps of 0.1 (CVSS 3.1 section 7.1 and the `Roundup` of appendix A).
    public var baseScore: Double {
        let subScore = 1 - (1 - confidentiality) * (1 - integrity) * (1 - availability)
        let impact: Double
        if scopeChanged {
            var power = 1.0
            for _ in 0..<15 { power *= subScore - 0.02 }
            impact = 7.52 * (subScore - 0.029) - 3.25 * power
        } else {
            impact = 6.42 * subScore
        }
        guard impact > 0 else { return 0 }
        let exploitability = 8.22 * attackVector * attackComplexity * privilegesRequired * userInteraction
        let total = scopeChanged ? 1.08 * (impact + exploitability) : impact + exploitability
        return Self.roundUp(min(total, 10))
    }

    /// The severity band of ``baseScore``.
    public var severity: ImpactSeverity { ImpactSeverity(cvssScore: baseScore) }

    /// CVSS 3.1 `Roundup`: the smallest one-decimal number not below `value`, immune to binary fractions.
    private static func roundUp(_ value: Double) -> Double {
        let scaled = Int((value * 100_000).rounded())
        if scaled % 10_000 == 0 { return Double(scaled) / 100_000 }
        return Double(scaled / 10_000 + 1) / 10
    }
}
