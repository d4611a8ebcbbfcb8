import StemmaCore
import StemmaInventory

/// Codex's layering beyond one file: `[projects."<path>"] trust_level` (an untrusted project's `.codex/` config and
/// rules are not loaded, per the Codex docs) and `profile = "<name>"` selecting a `[profiles.<name>]` table whose
/// `approval_policy`, `sandbox_mode` and `web_search` override the top level.
enum CodexLayers {
    /// A `[projects."<path>"]` entry of a config outside that project.
    struct Trust {
        var project: String
        var level: String
        var location: SourceLocation
    }

    /// The active profile of a config: its name, its table (nil when the name is not defined) and where the
    /// selection was read.
    struct Profile {
        var name: String
        var body: TOMLTable?
        var location: SourceLocation
        /// The byte offset of the profile's table header, to find its keys' lines.
        var headerOffset: Int?
    }

    /// The folder whose `.codex/` holds `path` (`app` for `app/.codex/config.toml`), or nil for a file outside
    /// any `.codex/` folder (a user config kept elsewhere in the inventory).
    static func projectFolder(of path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let index = parts.lastIndex(of: ".codex") else { return nil }
        return parts[..<index].joined(separator: "/")
    }

    /// Configs and rules that Codex loads, and notes on what was not applied and why. A project's config and rules
    /// are dropped when a config outside it marks a project of the same folder name `untrusted`; an untrusted entry
    /// wins over a trusted one for the same folder.
    static func trusted(
        configs: [(TOMLTable, LineIndex, String)], rules: [(CodexRules.Rule, String)]
    ) -> (configs: [(TOMLTable, LineIndex, String)], rules: [(CodexRules.Rule, String)], notes: [String]) {
        // By the project's last path component, so each lookup sees only its candidates.
        var entries: [String: [(Trust, declaredIn: String)]] = [:]
        for (table, text, path) in configs {
            for (project, body) in table["projects"]?.tableValue?.entries ?? [] {
                guard let level = body["trust_level"]?.stringValue else { continue }
                let location = SourceLocation(path: path, line: text.line(of: project))
                entries[FleetReader.name(project), default: []].append(
                    (Trust(project: project, level: level, location: location), path))
            }
        }
        var notes: [String] = []
        // A `[projects]` key is an absolute path on someone's machine and the inventory knows only relative ones,
        // so an entry binds by folder name. When two project folders of the inventory share that name the entry
        // cannot say which it means; dropping the wrong one's config would hide its grants, so neither is dropped.
        var foldersByName: [String: Set<String>] = [:]
        for path in configs.map(\.2) + rules.map(\.1) {
            if let folder = projectFolder(of: path) {
                foldersByName[FleetReader.name(folder), default: []].insert(folder)
            }
        }
        var decided: [String: Trust?] = [:]
        func trust(of folder: String) -> Trust? {
            if let known = decided[folder] { return known }
            let name = FleetReader.name(folder)
            if (foldersByName[name]?.count ?? 0) > 1, entries[name] != nil {
                notes.append(
                    "Codex: '\(folder)' is read as trusted: a [projects] trust_level entry names a folder '\(name)', "
                        + "and more than one project folder of the inventory has that name")
                decided[folder] = .some(nil)
                return nil
            }
            let matching =
                name.isEmpty ? [] : (entries[name] ?? []).filter { projectFolder(of: $0.declaredIn) != folder }.map(\.0)
            let found = matching.first { $0.level == "untrusted" } ?? matching.first
            decided[folder] = found
            return found
        }
        var keptConfigs: [(TOMLTable, LineIndex, String)] = []
        for config in configs {
            guard let folder = projectFolder(of: config.2), let entry = trust(of: folder) else {
                keptConfigs.append(config)
                continue
            }
            if entry.level == "untrusted" {
                notes.append(
                    "Codex: '\(config.2)' is not applied: project '\(entry.project)' is trust_level = \"untrusted\" "
                        + "(\(entry.location.display))")
            } else {
                notes.append(
                    "Codex: '\(config.2)' applies: project '\(entry.project)' is trust_level = \"\(entry.level)\" "
                        + "(\(entry.location.display))")
                keptConfigs.append(config)
            }
        }
        var keptRules: [(CodexRules.Rule, String)] = []
        var dropped: Set<String> = []
        for (rule, path) in rules {
            if let folder = projectFolder(of: path), let entry = trust(of: folder),
                entry.level == "untrusted"
            {
                if dropped.insert(path).inserted {
                    notes.append(
                        "Codex: '\(path)' is not applied: project '\(entry.project)' is trust_level = \"untrusted\" "
                            + "(\(entry.location.display))")
                }
                continue
            }
            keptRules.append((rule, path))
        }
        return (keptConfigs, keptRules, notes)
    }

    /// The profile `profile = "<name>"` selects, or nil when the config selects none (a profile then applies
    /// only with `--profile`, which no file shows).
    static func activeProfile(_ table: TOMLTable, text: LineIndex, path: String) -> Profile? {
        guard let name = table["profile"]?.stringValue else { return nil }
        let body = table["profiles"]?[name]?.tableValue
        let header = text.offset(of: "[profiles.\(name)]") ?? text.offset(of: "[profiles.\"\(name)\"]")
        return Profile(
            name: name, body: body,
            location: SourceLocation(path: path, line: text.line(of: "profile =") ?? text.line(of: "profile=")),
            headerOffset: header)
    }

    /// Profiles defined but not selected whose settings (over the top level) remove approval and the sandbox:
    /// anyone can select them with `--profile`.
    static func selectableUnsafeProfiles(
        _ table: TOMLTable, active: String?, text: LineIndex, path: String
    ) -> [PostureFact] {
        var facts: [PostureFact] = []
        for (name, value) in table["profiles"]?.tableValue?.entries ?? [] where name != active {
            guard let body = value.tableValue else { continue }
            let policy = body["approval_policy"]?.stringValue ?? table["approval_policy"]?.stringValue
            let sandbox = body["sandbox_mode"]?.stringValue ?? table["sandbox_mode"]?.stringValue
            guard policy == "never", sandbox == "danger-full-access" else { continue }
            let line = text.line(of: "[profiles.\(name)]") ?? text.line(of: "[profiles.\"\(name)\"]")
            facts.append(
                PostureFact(
                    .selectableApprovalRemovingMode,
                    "profile '\(name)' (selectable with --profile) sets approval_policy \"never\" with "
                        + "sandbox_mode \"danger-full-access\"",
                    at: SourceLocation(path: path, line: line)))
        }
        return facts
    }
}
