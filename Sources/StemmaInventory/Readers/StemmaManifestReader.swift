import StemmaCore
public import StemmaGraph

/// Stemma's own component manifests (`docs/component-manifest.md`, `schemas/component.schema.json`): a YAML
/// mapping whose `stemma` key starts with `component/`, describing one component or several under `components:`.
public enum StemmaManifestReader: InventoryReader {
    public static let formatName = "stemma-manifest"

    /// A top-level line `stemma: component/…` (at column 0, so prose or code that mentions it does not count).
    public static func recognizes(path: String, head rawHead: [UInt8]) -> Bool {
        let head = utf8Text(rawHead)
        guard ByteSearch.contains(head, "component/") else { return false }
        for line in head.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard line.starts(with: Array("stemma:".utf8)) else { continue }
            let value = String(decoding: line.dropFirst(7), as: UTF8.self).trimmedWhitespace
            let unquoted = value.hasPrefix("\"") || value.hasPrefix("'") ? String(value.dropFirst()) : value
            if unquoted.hasPrefix("component/") { return true }
        }
        return false
    }

    /// `bytes` as UTF-8 without a byte order mark: UTF-16 with a mark (which libyaml reads) is transcoded, so a
    /// manifest saved by an editor that writes a mark or UTF-16 is recognised instead of skipped without a word.
    static func utf8Text(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        let little = bytes.starts(with: [0xFF, 0xFE])
        guard little || bytes.starts(with: [0xFE, 0xFF]) else { return bytes }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 2
        while index + 1 < bytes.count {
            let (first, second) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
            units.append(little ? first | second << 8 : first << 8 | second)
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    /// Shortcut lists and the relation each implies.
    private static let shortcuts: [(key: String, relation: @Sendable (NodeKind) -> Relation, defaultKind: NodeKind)] = [
        ("models", { _ in .usesModel }, .model),
        ("tools", { _ in .usesTool }, .tool),
        ("agents", { _ in .spawns }, .agent),
        ("subAgents", { _ in .spawns }, .agent),
        ("corpora", { _ in .retrievesFrom }, .corpus),
        ("packages", { _ in .requiresPackage }, .package),
        (
            "datasets",
            { kind in
                kind == .model ? .trainedOn : (kind == .dataset || kind == .corpus ? .derivedFrom : .retrievesFrom)
            }, .dataset
        ),
        ("embeddings", { _ in .embedsWith }, .model),
    ]

    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let document: YAMLDocument
        switch YAMLDocument.parse(bytes) {
        case .success(let parsed): document = parsed
        // A file that says `stemma: component/…` exists only to be read by Stemma: a malformed one (a tab in a
        // list, a key twice) or one of another version is not read, and an answer without it could miss an agent.
        case .failure(let problem): return .notFullyRead(path, "the manifest \(problem.reason); not read")
        }
        guard let marker = document.string("stemma"), marker.hasPrefix("component/") else {
            return .warning(path, "is not a Stemma component manifest (no `stemma: component/v1`)")
        }
        guard marker == "component/v1" else {
            return .notFullyRead(path, "has manifest version \"\(marker)\"; this Stemma reads component/v1; not read")
        }
        var fragment = InventoryFragment()
        var budget = 20
        if let list = document["components"]?.sequence {
            checkKeys(document.node, known: documentKeys, path: path, budget: &budget, into: &fragment)
            for item in list {
                checkComponentKeys(item, known: componentKeys, path: path, budget: &budget, into: &fragment)
                component(item, path: path, into: &fragment)
            }
        } else {
            checkComponentKeys(
                document.node, known: documentKeys + componentKeys, path: path, budget: &budget, into: &fragment)
            component(document.node, path: path, into: &fragment)
        }
        return fragment
    }

    /// The keys of a manifest document around its components.
    static let documentKeys = ["stemma", "components"]

    /// The keys of one component (`schemas/component.schema.json`).
    static let componentKeys =
        [
            "kind", "name", "version", "purl", "owner", "stage", "account", "license", "source", "description", "team",
            "properties", "artifacts", "dependsOn",
        ] + shortcuts.map(\.key)

    /// A component's keys, and those of its `dependsOn` and `artifacts` entries.
    private static func checkComponentKeys(
        _ node: YAMLTree, known: [String], path: String, budget: inout Int, into fragment: inout InventoryFragment
    ) {
        checkKeys(node, known: known, path: path, budget: &budget, into: &fragment)
        for (key, entryKeys) in [("dependsOn", ["ref", "relation"]), ("artifacts", ["path", "sha256"])] {
            for entry in node[key]?.sequence ?? [] where budget > 0 {
                checkKeys(entry, known: entryKeys, path: path, budget: &budget, into: &fragment)
            }
        }
    }

    /// A key Stemma does not read is most often a typo (`model:` for `models:`) that would drop an edge without a
    /// word: warn, naming the nearest known key. `budget` bounds the warnings of one document (20).
    private static func checkKeys(
        _ node: YAMLTree, known: [String], path: String, budget: inout Int, into fragment: inout InventoryFragment
    ) {
        guard budget > 0, let mapping = node.mapping else { return }
        for (key, _) in mapping where !known.contains(key) {
            guard budget > 0 else { return }
            budget -= 1
            let shown = "`\(key.prefix(100))`"
            let hint =
                KeySuggestion.nearest(key, in: known).map { "did you mean `\($0)`?" }
                ?? "Stemma reads " + known.map { "`\($0)`" }.joined(separator: ", ")
            fragment.warnings.append(
                InventoryWarning(source: path, message: "unknown manifest key \(shown) is ignored; \(hint)"))
        }
    }

    private static func component(_ node: YAMLTree, path: String, into fragment: inout InventoryFragment) {
        func warn(_ message: String) { fragment.warnings.append(InventoryWarning(source: path, message: message)) }
        guard let kindText = YAMLDocument.string(node["kind"]), let kind = NodeKind(rawValue: kindText),
            kind != .artifact
        else {
            warn("a component has no valid kind (model, dataset, corpus, package, tool, agent)")
            return
        }
        let ref: ComponentRef
        if let purl = YAMLDocument.string(node["purl"]) {
            guard let parsed = ComponentRef(parsing: purl) else {
                warn("the purl \"\(purl.prefix(200))\" does not parse")
                return
            }
            ref =
                parsed.kind == kind
                ? parsed
                : ComponentRef(kind: kind, ecosystem: parsed.ecosystem, name: parsed.name, version: parsed.version)
        } else if let name = YAMLDocument.string(node["name"]) {
            ref = ComponentRef(kind: kind, name: name, version: YAMLDocument.string(node["version"]))
        } else {
            warn("a \(kind.rawValue) has neither a name nor a purl")
            return
        }
        var properties: [String: String] = [:]
        for key in ["owner", "stage", "account", "license", "source", "description", "team"] {
            if let value = YAMLDocument.string(node[key]) { properties[key] = value }
        }
        if let stage = properties["stage"], !["development", "testing", "production"].contains(stage) {
            warn("\(ref): stage \"\(stage)\" is not development, testing or production")
        }
        for (key, value) in node["properties"]?.mapping ?? [] {
            if let text = value.string, !key.isEmpty { properties[key] = text }
        }
        var artifacts: [String] = []
        for artifact in node["artifacts"]?.sequence ?? [] {
            guard let digest = YAMLDocument.string(artifact["sha256"])?.lowercased(), digest.utf8.count == 64,
                digest.allSatisfy(\.isHexDigit)
            else {
                warn("\(ref): an artifact has no valid sha256 (64 hex digits)")
                continue
            }
            artifacts.append(digest)
        }
        fragment.components.append(
            ComponentRecord(ref: ref, properties: properties, artifacts: artifacts, source: path))
        let evidence = Evidence(source: path, status: .declared)
        for shortcut in shortcuts {
            for text in YAMLDocument.strings(node[shortcut.key]) {
                guard let target = RefText.parse(text, defaultKind: shortcut.defaultKind) else {
                    warn("\(ref): \"\(text.prefix(200))\" under \(shortcut.key) is not a reference")
                    continue
                }
                fragment.edges.append(
                    EdgeRecord(from: ref, to: target, relation: shortcut.relation(kind), evidence: evidence))
            }
        }
        for dependency in node["dependsOn"]?.sequence ?? [] {
            let text = YAMLDocument.string(dependency["ref"]) ?? YAMLDocument.string(dependency)
            guard let text, let target = RefText.parse(text, defaultKind: .package) else {
                warn("\(ref): a dependsOn entry has no valid ref")
                continue
            }
            var relation = Relation.implied(from: kind, to: target.kind)
            if let named = YAMLDocument.string(dependency["relation"]) {
                guard let parsed = Relation(loose: named) else {
                    warn("\(ref): relation \"\(named.prefix(100))\" is not one Stemma knows")
                    continue
                }
                relation = parsed
            }
            fragment.edges.append(EdgeRecord(from: ref, to: target, relation: relation, evidence: evidence))
        }
    }
}
