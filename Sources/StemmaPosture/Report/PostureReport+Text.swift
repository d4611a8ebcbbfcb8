import StemmaCore

extension PostureReport {
    /// The fleet ranked, then each agent's grants with where they came from and its findings. Input values are
    /// escaped for the terminal.
    public func text() -> String {
        var lines: [String] = ["Agent posture: \(agents.count) agent(s), riskiest first", ""]
        for result in agents {
            let agent = result.agent
            let fails = result.findings.filter { $0.status == .fail }.count
            lines.append(
                "#\(result.rank) \(agent.id.terminalEscaped)  [\(agent.platforms.joined(separator: "+"))]  "
                    + "\(fails) fail, \(result.findings.count - fails) unverified")
            lines.append("   why: \(result.rankReason.terminalEscaped)")
        }
        for result in agents {
            let agent = result.agent
            lines.append("")
            lines.append("== \(agent.id.terminalEscaped) (rank \(result.rank))")
            lines.append(
                "   owner: \((agent.owner ?? "none").terminalEscaped)  stage: \((agent.stage ?? "unknown").terminalEscaped)"
            )
            if let parent = agent.parent { lines.append("   parent: \(parent.terminalEscaped)") }
            let policy = result.policy.map { "\($0.agentID) (\($0.source.display))" } ?? "none"
            lines.append("   policy: \(policy.terminalEscaped)")
            if agent.parent != nil {
                let declared = agent.declaredTools.map { $0.joined(separator: ", ") } ?? "(none: inherits all)"
                lines.append("   declared tools: \(declared.terminalEscaped)")
            }
            for note in agent.notes { lines.append("   note: \(note.terminalEscaped)") }
            lines.append("   tools:")
            for grant in agent.tools {
                let classes = grant.classes.keys.sorted().map { "\($0.rawValue)[\(grant.classes[$0]?.rawValue ?? "")]" }
                let shown = grant.classesUnknown && classes.isEmpty ? "classes unknown" : classes.joined(separator: " ")
                lines.append(
                    "     \(grant.displayName.terminalEscaped)  approval=\(grant.approval.rawValue)  \(shown)  "
                        + "<- \(grant.source.display.terminalEscaped)")
            }
            for flag in result.supplyChain {
                lines.append(
                    "   SUPPLY-CHAIN \(flag.severity): \(flag.component.terminalEscaped) via "
                        + flag.path.joined(separator: " -> ").terminalEscaped)
            }
            for finding in result.findings {
                lines.append(
                    "   \(finding.status.rawValue.uppercased()) \(finding.rule.id) \(finding.rule.severity.rawValue): "
                        + finding.message.terminalEscaped)
                for item in finding.evidence.prefix(4) {
                    lines.append("       at \(item.location.display.terminalEscaped): \(item.detail.terminalEscaped)")
                }
            }
        }
        lines += runsText()
        for warning in warnings { lines.append("warning: \(warning.terminalEscaped)") }
        return lines.joined(separator: "\n")
    }
}
