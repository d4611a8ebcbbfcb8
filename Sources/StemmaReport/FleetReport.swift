import StemmaCore
public import StemmaGraph
public import StemmaPosture

/// `stemma report`: one self-contained HTML page about a fleet. Inline CSS and SVG only: nothing is loaded from
/// anywhere (no script, font, image or style sheet), so it reads the same offline, in a mail attachment or in a
/// locked-down browser. Links are in-page anchors, plus plain links to OSV advisories.
///
/// Every value read from the inputs goes through ``HTML/text(_:)``; element ids are generated (`agent-3`), never
/// made from names, so a hostile name cannot break an anchor or inject markup.
public struct FleetReport: Sendable {
    /// The inventory folders and files, as given.
    public var inventoryPaths: [String]
    /// The whole graph read from them.
    public var graph: Graph
    /// The unfiltered impact answer (empty when nothing was flagged).
    public var impact: ImpactResult
    /// The posture report, when a policy was given.
    public var posture: PostureReport?
    /// How to lay out the answer graph.
    public var engine: AnswerDrawing.Engine = .auto
    /// The largest number of agents a flagged component lists with their paths; the rest are counted.
    public var maxPathsPerFlag = 200
    /// Verified bundles to show (`stemma verify --format json` reports given with `--verify-report`).
    public var bundles: [BundleVerdict] = []

    public init(inventoryPaths: [String], graph: Graph, impact: ImpactResult, posture: PostureReport?) {
        self.inventoryPaths = inventoryPaths
        self.graph = graph
        self.impact = impact
        self.posture = posture
    }

    /// An agent of the fleet, with what the inventory said about it.
    struct FleetAgent {
        var ref: ComponentRef
        var account: String?
        var stage: String?
        var owner: String?
        var anchor: String
    }

    /// The agents of the graph: versionless aliases of declared versions left out, ordered by ref.
    func fleetAgents() -> [FleetAgent] {
        let agents = graph.nodes.filter { node in
            node.ref.kind == .agent && !(node.ref.version == nil && graph.ids(matching: node.ref).count > 1)
        }.sorted { $0.ref < $1.ref }
        return agents.enumerated().map { index, node in
            FleetAgent(
                ref: node.ref, account: nonEmpty(node.properties["account"]), stage: nonEmpty(node.properties["stage"]),
                owner: nonEmpty(node.properties["owner"]), anchor: "agent-\(index)")
        }
    }

    private func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.trimmedWhitespace.isEmpty else { return nil }
        return value
    }

    /// The whole page.
    public func html() -> String {
        let agents = fleetAgents()
        var anchors: [ComponentRef: String] = [:]
        for agent in agents { anchors[agent.ref] = agent.anchor }
        let flags = flagGroups()
        for (index, group) in flags.enumerated() { anchors[group.ref] = "flag-\(index)" }
        let affectedAgents = impact.affected.filter { $0.ref.kind == .agent }
        var hitAnchor: [ComponentRef: String] = [:]
        for (index, hit) in affectedAgents.enumerated() { hitAnchor[hit.ref] = "hit-\(index)" }

        var page: [String] = [
            "<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            // No network: the policy says so to the browser too.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
                + "img-src data:\">",
            "<title>Stemma report: \(agents.count) agents</title>", "<style>", ReportStyle.css, "</style>", "</head>",
            "<body>", "<header>", "<h1>Stemma fleet report</h1>",
            "<p class=\"meta\">stemma \(HTML.text(StemmaVersion.current)) · inventory: "
                + inventoryPaths.map { "<code>\(HTML.text($0))</code>" }.joined(separator: ", ") + "</p>",
            "<nav>" + (flags.isEmpty ? "" : "<a href=\"#answer\">Answer graph</a>")
                + "<a href=\"#fleet\">Fleet</a><a href=\"#flagged\">Flagged components</a>"
                + (posture != nil ? "<a href=\"#posture\">Posture</a>" : "")
                + "<a href=\"#verification\">Verification</a></nav>",
            "</header>", "<main>",
        ]
        page += summary(agents: agents, affected: affectedAgents.count, flags: flags.count)
        page += answerSection(flagCount: flags.count, anchors: anchors)
        page += fleetSection(agents, hitAnchor: hitAnchor)
        page += flaggedSection(flags, affectedAgents: affectedAgents, anchors: anchors, hitAnchor: hitAnchor)
        if let posture { page += postureSection(posture) }
        page += verificationSection()
        page += warningsSection()
        page += ["</main>", "</body>", "</html>"]
        return page.joined(separator: "\n") + "\n"
    }

    private func summary(agents: [FleetAgent], affected: Int, flags: Int) -> [String] {
        let accounts = Set(agents.map { $0.account ?? "" }).count
        let unowned = agents.filter { $0.owner == nil }.count
        func card(_ value: Int, _ label: String, _ tone: String) -> String {
            "<div class=\"card \(tone)\"><span class=\"value\">\(value)</span><span class=\"label\">\(label)</span></div>"
        }
        return [
            "<div class=\"cards\">", card(agents.count, "agents", ""), card(accounts, "accounts", ""),
            card(unowned, "agents without an owner", unowned > 0 ? "warn" : ""),
            card(flags, "flagged components", flags > 0 ? "bad" : ""),
            card(affected, "affected agents", affected > 0 ? "bad" : "good"), "</div>",
        ]
    }

    private func fleetSection(_ agents: [FleetAgent], hitAnchor: [ComponentRef: String]) -> [String] {
        var lines = ["<section id=\"fleet\"><h2>Fleet</h2>"]
        let severityOf = Dictionary(
            impact.affected.filter { $0.ref.kind == .agent }.map { ($0.ref, $0.severity) }, uniquingKeysWith: max)
        let byAccount = Dictionary(grouping: agents) { $0.account ?? "" }
        // Accounts in which nobody owns any agent first: they are what the reader has to act on.
        func order(_ account: String) -> (Int, Int, String) {
            let unowned = byAccount[account]!.allSatisfy { $0.owner == nil }
            return (unowned ? 0 : 1, account.isEmpty ? 1 : 0, account)
        }
        for account in byAccount.keys.sorted(by: { order($0) < order($1) }) {
            let members = byAccount[account]!.sorted { ($0.stage ?? "~", $0.ref) < ($1.stage ?? "~", $1.ref) }
            let owned = members.filter { $0.owner != nil }.count
            let nobody = owned == 0
            let stages = Dictionary(grouping: members) { $0.stage ?? "no stage" }.map { "\($0.value.count) \($0.key)" }
                .sorted()
            lines.append("<div class=\"account\(nobody ? " unowned" : "")\">")
            lines.append(
                "<h3>\(account.isEmpty ? "No account given" : HTML.text(account))"
                    + " <span class=\"count\">\(members.count) agents · \(HTML.text(stages.joined(separator: ", ")))"
                    + " · \(owned) with an owner</span></h3>")
            if nobody {
                lines.append(
                    "<p class=\"alert\">Nobody owns any of these \(members.count) agents: no <code>owner</code> "
                        + "in their manifests. Someone has to answer for them before an incident does.</p>")
            }
            lines.append(
                "<table><thead><tr><th>Agent</th><th>Version</th><th>Stage</th><th>Owner</th><th>Impact</th></tr>"
                    + "</thead><tbody>")
            for agent in members {
                let owner =
                    agent.owner.map { HTML.text($0) } ?? "<span class=\"badge none\">nobody</span>"
                var impactCell = "<span class=\"muted\">not reached</span>"
                if let severity = severityOf[agent.ref], let anchor = hitAnchor[agent.ref] {
                    impactCell = "<a href=\"#\(anchor)\">\(badge(severity))</a>"
                }
                lines.append(
                    "<tr id=\"\(agent.anchor)\"\(agent.owner == nil ? " class=\"no-owner\"" : "")>"
                        + "<td class=\"name\">\(HTML.text(agent.ref.name))</td>"
                        + "<td><code>\(HTML.text(agent.ref.version ?? "–"))</code></td>"
                        + "<td>\(HTML.text(agent.stage ?? "–"))</td><td>\(owner)</td><td>\(impactCell)</td></tr>")
            }
            lines.append("</tbody></table></div>")
        }
        if agents.isEmpty { lines.append("<p class=\"note\">The inventory declares no agent.</p>") }
        lines.append("</section>")
        return lines
    }

    /// One flagged graph component, with every reason it was flagged.
    struct FlagGroup {
        var ref: ComponentRef
        var severity: ImpactSeverity
        var flags: [FlaggedComponent]
    }

    func flagGroups() -> [FlagGroup] {
        var groups: [FlagGroup] = []
        var position: [ComponentRef: Int] = [:]
        for flag in impact.flagged {
            if let index = position[flag.ref] {
                groups[index].flags.append(flag)
                groups[index].severity = max(groups[index].severity, flag.severity)
            } else {
                position[flag.ref] = groups.count
                groups.append(FlagGroup(ref: flag.ref, severity: flag.severity, flags: [flag]))
            }
        }
        return groups.sorted { $0.severity != $1.severity ? $0.severity > $1.severity : $0.ref < $1.ref }
    }

    private func flaggedSection(
        _ groups: [FlagGroup], affectedAgents: [AffectedComponent], anchors: [ComponentRef: String],
        hitAnchor: [ComponentRef: String]
    ) -> [String] {
        var lines = ["<section id=\"flagged\"><h2>Flagged components and the agents they reach</h2>"]
        guard !groups.isEmpty else {
            lines.append(
                "<p class=\"note\">Nothing was flagged: give <code>--advisories</code>, <code>--flag</code> or "
                    + "<code>--revoked</code> to ask which agents a compromised component reaches.</p></section>")
            return lines
        }
        let byFlag = Dictionary(grouping: affectedAgents) { $0.flaggedBy }
        for (index, group) in groups.enumerated() {
            let hits = byFlag[group.ref] ?? []
            lines.append("<article class=\"flag\" id=\"flag-\(index)\">")
            lines.append(
                "<h3>\(badge(group.severity)) <code>\(HTML.text(group.ref.description))</code></h3>")
            for flag in group.flags {
                var reason = HTML.text(flag.reason)
                if let id = flag.advisory, let url = HTML.advisoryURL(id) {
                    reason += " · <a href=\"\(url)\">\(HTML.text(id)) on osv.dev</a>"
                }
                lines.append("<p class=\"reason\">\(reason)</p>")
            }
            if hits.isEmpty {
                lines.append("<p class=\"muted\">Reaches no agent first (another flag may reach the same agents).</p>")
            } else {
                lines.append("<p>Reaches \(hits.count) agent\(hits.count == 1 ? "" : "s"):</p><ol class=\"hits\">")
                for hit in hits.prefix(maxPathsPerFlag) {
                    let link = anchors[hit.ref].map { "<a href=\"#\($0)\">" } ?? "<span>"
                    let close = anchors[hit.ref] != nil ? "</a>" : "</span>"
                    lines.append(
                        "<li id=\"\(hitAnchor[hit.ref] ?? "")\">\(badge(hit.severity)) \(link)"
                            + "<strong>\(HTML.text(ImpactSubgraph.label(hit.ref)))</strong>\(close)"
                            + "<div class=\"path\">\(path(hit))</div></li>")
                }
                lines.append("</ol>")
                if hits.count > maxPathsPerFlag {
                    lines.append("<p class=\"muted\">and \(hits.count - maxPathsPerFlag) more agents.</p>")
                }
            }
            lines.append("</article>")
        }
        lines.append("</section>")
        return lines
    }

    /// The picture of the answer: flagged components, affected components and the paths between them.
    private func answerSection(flagCount: Int, anchors: [ComponentRef: String]) -> [String] {
        guard flagCount > 0 else { return [] }
        var lines = [
            "<section id=\"answer\"><h2>What the flagged components reach</h2>",
            "<p>\(impact.affectedAgentCount) agents and \(impact.affectedComponentCount) other components are reached "
                + "from \(flagCount) flagged components. The graph shows only the answer: flagged components (bold) on "
                + "the left, what depends on them to their right, each arrow pointing at the dependency and labelled "
                + "with the relation. Scroll sideways for the whole chain; an agent's box links to its row.</p>",
        ]
        let answer = ImpactSubgraph(graph: graph, result: impact)
        if let drawing = AnswerDrawing.draw(answer, engine: engine, anchor: { anchors[$0] }) {
            lines.append("<figure class=\"graph\">\(drawing.svg)")
            lines.append(
                "<figcaption>\(answer.nodes.count) components, \(answer.edges.count) edges; laid out by "
                    + "\(drawing.engine == "graphviz" ? "Graphviz dot" : "Stemma's built-in layered layout"). "
                    + legend() + "</figcaption></figure>")
        } else if answer.nodes.count > LayeredLayout.maxNodes {
            lines.append(
                "<p class=\"note\">The answer has \(answer.nodes.count) components: too many to draw "
                    + "(at most \(LayeredLayout.maxNodes)); the paths are listed below.</p>")
        } else {
            lines.append(
                "<p class=\"note\">Graphviz could not draw the answer (not installed, or it failed) and "
                    + "<code>--layout graphviz</code> asked for nothing else; the paths are listed below.</p>")
        }
        lines.append("</section>")
        return lines
    }

    /// A path as a chain: component, relation arrow, component, down to the flagged one.
    private func path(_ hit: AffectedComponent) -> String {
        var parts: [String] = []
        // The first step is the agent itself, named just above.
        for (step, relation) in hit.relations.enumerated() where step + 1 < hit.path.count {
            let ref = hit.path[step + 1]
            parts.append("<span class=\"rel\">\(HTML.text(relation.rawValue)) →</span>")
            parts.append("<span class=\"step \(ref.kind.rawValue)\">\(HTML.text(ImpactSubgraph.label(ref)))</span>")
        }
        if hit.pathTruncated { parts.append("<span class=\"muted\">…</span>") }
        return parts.joined(separator: " ")
    }

    private func legend() -> String {
        ImpactSeverity.allCases.map { badge($0) }.joined(separator: " ")
    }

    func badge(_ severity: ImpactSeverity) -> String {
        "<span class=\"badge sev-\(severity.rawValue)\">\(severity.rawValue)</span>"
    }

    private func warningsSection() -> [String] {
        guard !impact.warnings.isEmpty else { return [] }
        var lines = [
            "<section id=\"warnings\"><details><summary>\(impact.warnings.count) warning\(impact.warnings.count == 1 ? "" : "s") while reading</summary><ul>"
        ]
        for warning in impact.warnings.prefix(500) { lines.append("<li>\(HTML.text(warning.description))</li>") }
        if impact.warnings.count > 500 { lines.append("<li>and \(impact.warnings.count - 500) more</li>") }
        lines.append("</ul></details></section>")
        return lines
    }
}
