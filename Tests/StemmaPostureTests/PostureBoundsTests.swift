import StemmaCore
import StemmaPosture
import Testing

/// A posture list is read whole or the run stops (issue 11: no input that was not read may end in exit 0): a
/// tool, rule or server past a bound would be a grant the report never shows.
@Suite struct PostureBoundsTests {
    /// One file per reader, one item over its bound.
    static let overTheBound: [(file: String, text: String)] = [
        (
            "a/.mcp.json",
            #"{"mcpServers": {"#
                + (0...1_000).map { #""s\#($0)": {"command": "uvx", "args": ["m\#($0)==1"]}"# }
                .joined(separator: ",") + "}}"
        ),
        (
            "a/.gemini/settings.json",
            #"{"mcpServers": {"# + (0...1_000).map { #""s\#($0)": {"command": "uvx"}"# }.joined(separator: ",") + "}}"
        ),
        (
            "a/.claude/settings.json",
            #"{"permissions": {"allow": ["# + (0...10_000).map { #""Read(f\#($0))""# }.joined(separator: ",") + "]}}"
        ),
        (
            "a/.codex/rules/r.rules",
            String(repeating: "prefix_rule(pattern=[\"ls\"], decision=\"allow\")\n", count: 10_001)
        ),
        (
            "a/.gemini/policies/p.toml",
            String(repeating: "[[rule]]\ntoolName = \"x\"\ndecision = \"allow\"\npriority = 1\n", count: 10_001)
        ),
        ("a/tools.json", #"{"tools": ["# + (0...10_000).map { #"{"name": "t\#($0)"}"# }.joined(separator: ",") + "]}"),
        (
            "a/agent.yaml",
            "name: adk\ninstruction: help\ntools:\n" + String(repeating: "  - google_search\n", count: 10_001)
        ),
        (
            "a/stemma.yaml",
            PostureFleet.manifest(name: "big", extra: "posture:\n  tools:\n")
                + String(repeating: "    - {name: t, classes: [read_only]}\n", count: 10_001)
        ),
        (
            "a/.well-known/agent-card.json",
            #"{"name": "card", "url": "https://a.example", "skills": ["#
                + (0...10_000).map { #"{"id": "s\#($0)", "name": "s"}"# }.joined(separator: ",") + "]}"
        ),
    ]

    @Test(arguments: overTheBound.indices)
    func aListOverItsBoundStopsTheRun(_ index: Int) throws {
        let (file, text) = Self.overTheBound[index]
        let fleet = try PostureFleet()
        if file != "a/stemma.yaml" { try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "a")) }
        try fleet.write(file, text)
        do {
            _ = try fleet.report(policy: PostureFleet.policy())
            Issue.record("\(file): a list over its bound was read in part, without an error")
        } catch let error as StemmaError {
            #expect(error.code == .limitExceeded, "\(file): \(error)")
            #expect(error.message.contains(file.split(separator: "/").last.map(String.init) ?? file), "\(error)")
            #expect(error.message.contains("limit"), "\(error)")
        }
    }

    @Test func aListAtItsBoundIsReadWhole() throws {
        let fleet = try PostureFleet()
        try fleet.write("a/stemma.yaml", PostureFleet.manifest(name: "a"))
        let servers = (0..<1_000).map { #""s\#($0)": {"command": "uvx", "args": ["m\#($0)==1"]}"# }
        try fleet.write("a/.mcp.json", #"{"mcpServers": {"# + servers.joined(separator: ",") + "}}")
        let agent = try PostureFleet.agent(try fleet.report(policy: PostureFleet.policy()), "a").agent
        #expect(Set(agent.tools.compactMap(\.server)).count == 1_000)
    }
}
