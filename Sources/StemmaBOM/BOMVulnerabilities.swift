import StemmaCore
import StemmaGraph

/// `vulnerabilities[]`: one entry per advisory, affecting the flagged components and every agent the impact
/// walk reaches from them (only refs the BOM lists, so no `affects` ref dangles).
enum BOMVulnerabilities {
    static func entries(flagged: [FlaggedComponent], graph: Graph, listed: Set<String>) -> [JSONValue] {
        var groups: [String: [FlaggedComponent]] = [:]
        for flag in flagged { groups[flag.advisory ?? flag.reason, default: []].append(flag) }
        var entries: [JSONValue] = []
        for key in groups.keys.sorted() {
            let flags = groups[key]!
            let impact = ImpactQuery(graph: graph).run(query: key, flagged: flags)
            var affected = Set(flags.map(\.ref.description).filter(listed.contains))
            guard !affected.isEmpty else { continue }
            affected.formUnion(impact.agents.map(\.ref.description).filter(listed.contains))
            let severity = flags.map(\.severity).max() ?? .unknown
            var members: [(String, JSONValue)] = [("id", .string(key))]
            if let advisory = flags[0].advisory {
                members.append(
                    (
                        "source",
                        .object([
                            ("name", .string("OSV")), ("url", .string("https://osv.dev/vulnerability/\(advisory)")),
                        ])
                    ))
            } else {
                members.append(("source", .object([("name", .string("stemma"))])))
            }
            members.append(("ratings", .array([.object([("severity", .string(severity.rawValue))])])))
            members.append(("description", .string(flags[0].reason)))
            members.append(("affects", .array(affected.sorted().map { .object([("ref", .string($0))]) })))
            entries.append(.object(members))
        }
        return entries
    }
}
