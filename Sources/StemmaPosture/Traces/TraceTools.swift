/// Tool names as traces record them: MCP prefixes normalised, classes from the inventory or the built-in table.
enum TraceTools {
    /// `mcp__server__tool` (Claude Code) and `server/tool` become (server, tool); anything else (nil, name).
    static func parts(_ name: String) -> (server: String?, tool: String) {
        if name.hasPrefix("mcp__") {
            let body = Array(name.utf8.dropFirst(5))
            var index = 0
            while index + 1 < body.count {
                if body[index] == 0x5F, body[index + 1] == 0x5F {
                    return (
                        String(decoding: body[..<index], as: UTF8.self),
                        String(decoding: body[(index + 2)...], as: UTF8.self)
                    )
                }
                index += 1
            }
            return (String(decoding: body, as: UTF8.self), "*")
        }
        if let slash = name.firstIndex(of: "/"), slash != name.startIndex, name.index(after: slash) != name.endIndex {
            return (String(name[..<slash]), String(name[name.index(after: slash)...]))
        }
        return (nil, name)
    }

    /// Whether a policy entry names the tool. An entry without a server matches the tool under any server; a
    /// glob entry matches the raw or normalised name. `loose` (for denials, where over-matching fails closed)
    /// also matches Gemini's `mcp_<server>_<tool>` spelling.
    static func matches(entry: String, tool: String, loose: Bool) -> Bool {
        let wanted = parts(entry)
        let called = parts(tool)
        if entry.contains("*") || entry.contains("?") {
            let pattern = Array(entry)
            let forms = [tool, called.tool, called.server.map { "\($0)/\(called.tool)" } ?? called.tool]
            return forms.contains { Glob.matches(pattern: pattern, text: Array($0)) }
        }
        if entry == tool { return true }
        guard let server = wanted.server else {
            if called.tool == wanted.tool { return true }
            return loose && tool.hasPrefix("mcp_") && tool.hasSuffix("_" + wanted.tool)
        }
        if called.server == server, called.tool == wanted.tool || wanted.tool == "*" { return true }
        return loose && tool == "mcp_\(server)_\(wanted.tool)"
    }

    /// The classes of a called tool: the agent's grant of that name, else a platform built-in, else name keywords
    /// (then `unknown` is true).
    static func classes(of name: String, agent: AgentPosture?) -> (
        classes: [CapabilityClass: CapabilityEvidence], unknown: Bool
    ) {
        let called = parts(name)
        if let agent {
            let grants = agent.tools.filter { grant in
                grant.name == called.tool && (called.server == nil || grant.server == called.server)
            }
            if let grant = grants.first(where: { $0.specifier == nil }) ?? grants.first {
                return (grant.classes, grant.classesUnknown)
            }
        }
        for platform in CapabilityTable.builtins.keys.sorted() {
            if let classes = CapabilityTable.builtins[platform]?[called.tool] {
                return (Dictionary(classes.map { ($0, .table) }, uniquingKeysWith: { a, _ in a }), false)
            }
        }
        let guessed = CapabilityTable.heuristicClasses(forName: called.tool)
        return (Dictionary(guessed.map { ($0, .heuristic) }, uniquingKeysWith: { a, _ in a }), true)
    }
}
