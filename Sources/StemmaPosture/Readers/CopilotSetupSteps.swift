import StemmaCore

/// `.github/workflows/copilot-setup-steps.yml`: the job `copilot-setup-steps` that prepares the Copilot coding
/// agent's environment before it starts (GitHub docs). What the agent gets from it: the job's `GITHUB_TOKEN`
/// `permissions` (scopes), the secrets the job references (`${{ secrets.NAME }}`), which its shell can then read
/// (fail closed: a step may persist them, and the `copilot` environment's secrets reach the agent), and literal
/// credentials written into `env`/`with` (`AP-GOV-2`). Setup steps run outside the agent firewall.
struct CopilotSetupSteps: Sendable {
    /// `github-token:<scope>:<level>`, or `github-token:read-all` / `github-token:write-all`.
    var scopes: [String] = []
    var scopesAt: SourceLocation
    /// Each secret the job references, with where.
    var secrets: [(name: String, location: SourceLocation)] = []
    var facts: [PostureFact] = []
    var notes: [String] = []

    static let maxNodes = 100_000

    /// Reads the workflow; throws when it is not YAML or has no `copilot-setup-steps` job.
    static func read(_ bytes: [UInt8], path: String) throws(StemmaError) -> CopilotSetupSteps {
        guard let root = try YAMLNode.documents(bytes, source: path).first,
            let job = root["jobs"]?["copilot-setup-steps"],
            job.isMapping
        else {
            throw StemmaError(.malformedInput, "'\(path)' has no job named copilot-setup-steps")
        }
        let permissions = job["permissions"] ?? root["permissions"]
        var steps = CopilotSetupSteps(scopesAt: SourceLocation(path: path, line: permissions?.line))
        if let level = permissions?.string {
            steps.scopes = ["github-token:\(level)"]
        } else if let permissions {
            steps.scopes = permissions.pairs.compactMap { scope, level in
                level.string.map { "github-token:\(scope):\($0)" }
            }
        } else {
            steps.notes.append(
                "Copilot: '\(path)' sets no permissions; the job's GITHUB_TOKEN has the repository's default permissions"
            )
        }
        if let environment = job["environment"]?.string ?? job["environment"]?["name"]?.string {
            steps.notes.append(
                "Copilot: the setup job runs in environment '\(environment)'; its secrets and variables (repository "
                    + "settings, not files) reach the agent")
        }
        var seen: Set<String> = []
        var budget = maxNodes
        steps.collect(job, path: path, seen: &seen, budget: &budget)
        for (index, step) in (job["steps"]?.items ?? []).enumerated() {
            for section in ["env", "with"] {
                steps.facts += SecretCheck.literalCredentials(
                    in: step[section]?.pairs ?? [], place: "steps[\(index)].\(section)", path: path)
            }
            if let action = step["uses"]?.string, !action.hasPrefix("./"), !Self.pinned(action) {
                steps.notes.append(
                    "Copilot: setup step uses \(action) (\(path):\(step["uses"]?.line ?? 0)), not pinned to a commit")
            }
        }
        steps.facts += SecretCheck.literalCredentials(
            in: job["env"]?.pairs ?? [], place: "jobs.copilot-setup-steps.env", path: path)
        return steps
    }

    /// `owner/repo@<40 hex>` (or a `docker://…@sha256:` digest).
    static func pinned(_ action: String) -> Bool {
        guard let at = action.lastIndex(of: "@") else { return false }
        let reference = action[action.index(after: at)...]
        if action.hasPrefix("docker://") { return reference.hasPrefix("sha256:") }
        return reference.count == 40 && reference.allSatisfy(\.isHexDigit)
    }

    /// Every `secrets.NAME` inside a `${{ … }}` expression of the job's scalars (bounded node count).
    private mutating func collect(_ node: YAMLNode, path: String, seen: inout Set<String>, budget: inout Int) {
        budget -= 1
        guard budget > 0 else { return }
        if let scalar = node.string {
            for name in Self.secretNames(in: scalar) where seen.insert(name).inserted {
                secrets.append((name, SourceLocation(path: path, line: node.line)))
            }
            return
        }
        for item in node.items ?? [] { collect(item, path: path, seen: &seen, budget: &budget) }
        for (_, value) in node.pairs { collect(value, path: path, seen: &seen, budget: &budget) }
    }

    /// The names after `secrets.` inside `${{ … }}` expressions of one string (one pass over its bytes).
    static func secretNames(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        let open: [UInt8] = Array("${{".utf8)
        let key: [UInt8] = Array("secrets.".utf8)
        var names: [String] = []
        var inside = false
        var index = 0
        func at(_ pattern: [UInt8]) -> Bool {
            index + pattern.count <= bytes.count && Array(bytes[index..<(index + pattern.count)]) == pattern
        }
        while index < bytes.count {
            if !inside, at(open) {
                inside = true
                index += open.count
            } else if inside, bytes[index] == UInt8(ascii: "}"), index + 1 < bytes.count,
                bytes[index + 1] == UInt8(ascii: "}")
            {
                inside = false
                index += 2
            } else if inside, at(key) {
                index += key.count
                let start = index
                while index < bytes.count,
                    bytes[index] == UInt8(ascii: "_")
                        || (bytes[index] < 0x80 && Character(Unicode.Scalar(bytes[index])).isLetter)
                        || (bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9"))
                {
                    index += 1
                }
                if index > start { names.append(String(decoding: bytes[start..<index], as: UTF8.self)) }
            } else {
                index += 1
            }
        }
        return names
    }
}

extension SecretCheck {
    /// Literal credentials among a YAML mapping's entries (`env`, `headers`, `with`), each at its line
    /// (`lineOffset` for front matter, whose lines start below the `---`).
    static func literalCredentials(
        in pairs: [(String, YAMLNode)], place: String, path: String, lineOffset: Int = 0
    ) -> [PostureFact] {
        pairs.compactMap { name, value in
            value.string.flatMap { literal in
                literalCredential(
                    name: name, value: literal, where: "\(place).\(name)",
                    at: SourceLocation(path: path, line: value.line.map { $0 + lineOffset }))
            }
        }
    }
}
