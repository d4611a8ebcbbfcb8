import StemmaCore
import StemmaGraph
import StemmaPosture

extension FleetReport {
    /// The most tools listed for one agent; the rest are counted.
    static let maxGrantsShown = 40

    /// Agents ranked by posture risk, riskiest first, each with its grants and its fail findings.
    func postureSection(_ report: PostureReport) -> [String] {
        var lines = [
            "<section id=\"posture\"><h2>Posture: agents ranked by risk</h2>",
            "<p>Each agent's effective tools, their capability classes and whether a person approves each call, "
                + "checked against the posture policies given. A check the inputs cannot decide is unverified, "
                + "never passed.</p>",
        ]
        guard !report.agents.isEmpty else {
            lines.append("<p class=\"note\">No agent configuration was found for posture.</p></section>")
            return lines
        }
        lines.append(
            "<table class=\"posture\"><thead><tr><th>#</th><th>Agent</th><th>Owner</th><th>Findings</th>"
                + "<th>Grants</th></tr></thead><tbody>")
        for result in report.agents {
            let agent = result.agent
            let fails = result.findings.filter { $0.status == .fail }
            let unverified = result.findings.count - fails.count
            let worst = fails.map(\.rule.severity).max()
            var findings = fails.isEmpty ? "<span class=\"muted\">no fail</span>" : ""
            for finding in fails.prefix(8) {
                findings +=
                    "<div><span class=\"badge sev-\(finding.rule.severity.rawValue)\">\(finding.rule.id)</span> "
                    + "\(HTML.text(finding.message))</div>"
            }
            if fails.count > 8 { findings += "<div class=\"muted\">and \(fails.count - 8) more</div>" }
            if unverified > 0 { findings += "<div class=\"muted\">\(unverified) unverified</div>" }
            var grants: [String] = []
            for grant in agent.tools.prefix(Self.maxGrantsShown) {
                let classes = grant.classes.keys.sorted().map { "<span class=\"cap\">\($0.rawValue)</span>" }
                let shown =
                    classes.isEmpty && grant.classesUnknown ? "<span class=\"muted\">classes unknown</span>" : ""
                let approval =
                    grant.approval == .ask
                    ? "<span class=\"ok\">asks</span>"
                    : "<span class=\"\(grant.approval == .none ? "bad" : "muted")\">\(grant.approval.rawValue == "none" ? "no approval" : "approval unknown")</span>"
                grants.append(
                    "<li><code>\(HTML.text(grant.displayName))</code> \(approval) \(classes.joined(separator: " "))\(shown)</li>"
                )
            }
            if agent.tools.count > Self.maxGrantsShown {
                grants.append("<li class=\"muted\">and \(agent.tools.count - Self.maxGrantsShown) more</li>")
            }
            let name =
                "<strong>\(HTML.text(agent.name))</strong><div class=\"muted small\"><code>\(HTML.text(agent.id))</code> · "
                + "\(HTML.text(agent.platforms.joined(separator: ", ")))</div>"
                + "<div class=\"small\">\(HTML.text(result.rankReason))</div>"
            lines.append(
                "<tr class=\"\(worst.map { "worst-\($0.rawValue)" } ?? "")\"><td class=\"rank\">\(result.rank)</td>"
                    + "<td>\(name)</td>"
                    + "<td>\(agent.owner.map { HTML.text($0) } ?? "<span class=\"badge none\">nobody</span>")</td>"
                    + "<td>\(findings)</td>"
                    + "<td>\(grants.isEmpty ? "<span class=\"muted\">no tools</span>" : "<ul class=\"grants\">" + grants.joined() + "</ul>")</td></tr>"
            )
        }
        lines.append("</tbody></table></section>")
        return lines
    }
}
