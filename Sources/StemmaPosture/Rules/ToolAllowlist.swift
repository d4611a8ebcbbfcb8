/// `allowed_tools` indexed for the static check: the same answers as `TraceTools.matches(entry:tool:loose: false)`
/// over every entry, in time linear in entries plus tools (exact entries in sets; glob entries bounded).
struct ToolAllowlist {
    private var raw: Set<String> = []
    private var tools: Set<String> = []
    private var serverTools: Set<[String]> = []
    private var servers: Set<String> = []
    private var globs: [[Character]] = []
    /// More glob entries than this are not evaluated: every tool they could match is undecided.
    static let maxGlobs = 256
    private(set) var tooManyGlobs = false

    init(_ entries: [String]) {
        for entry in entries {
            if entry.contains("*") || entry.contains("?") {
                if globs.count < Self.maxGlobs { globs.append(Array(entry)) } else { tooManyGlobs = true }
                continue
            }
            raw.insert(entry)
            let wanted = TraceTools.parts(entry)
            if let server = wanted.server {
                if wanted.tool == "*" { servers.insert(server) } else { serverTools.insert([server, wanted.tool]) }
            } else {
                tools.insert(wanted.tool)
            }
        }
    }

    /// Whether an entry names `tool` (a built-in name, or `server/tool`); nil when only skipped globs could say.
    func allows(_ tool: String) -> Bool? {
        if raw.contains(tool) { return true }
        let called = TraceTools.parts(tool)
        if tools.contains(called.tool) { return true }
        if let server = called.server, servers.contains(server) || serverTools.contains([server, called.tool]) {
            return true
        }
        let forms = [tool, called.tool, called.server.map { "\($0)/\(called.tool)" } ?? called.tool].map(Array.init)
        if globs.contains(where: { pattern in forms.contains { Glob.matches(pattern: pattern, text: $0) } }) {
            return true
        }
        return tooManyGlobs ? nil : false
    }
}
