import StemmaCore

/// A `stemma.yaml` agent manifest (`stemma: component/v1`, `kind: agent`) and its `posture:` block, for agents
/// that nothing else describes:
///
/// ```yaml
/// posture:
///   data: [pii]                    # data touched
///   purpose: summarize tickets     # what the agent is for
///   scopes: [read:accounts]
///   tools:
///     - {name: crm_lookup, server: crm, classes: [sensitive_data_read], approval: none}
/// ```
struct ManifestPosture: Sendable {
    var name: String?
    var owner: String?
    var stage: String?
    var data: [String] = []
    var purpose: String?
    var scopes: [String] = []
    var tools: [ToolGrant] = []
    var location: SourceLocation

    /// Reads an agent manifest; nil when the YAML is not a Stemma agent manifest.
    static func read(_ bytes: [UInt8], path: String) throws(StemmaError) -> ManifestPosture? {
        guard let node = try YAMLNode.documents(bytes, source: path).first,
            node["stemma"]?.string?.hasPrefix("component/") == true, node["kind"]?.string == "agent"
        else { return nil }
        var result = ManifestPosture(location: SourceLocation(path: path, line: node["name"]?.line))
        result.name = node["name"]?.string
        result.owner = node["owner"]?.string
        result.stage = node["stage"]?.string
        result.purpose = node["description"]?.string
        guard let posture = node["posture"] else { return result }
        result.data = posture["data"]?.stringList ?? []
        result.purpose = posture["purpose"]?.string ?? result.purpose
        result.scopes = posture["scopes"]?.stringList ?? []
        for entry in try PostureBounds.whole(posture["tools"]?.items, limit: 10_000, what: "posture tools", in: path) {
            guard let name = entry["name"]?.string else { continue }
            var classes: [CapabilityClass: CapabilityEvidence] = [:]
            for raw in entry["classes"]?.stringList ?? [] {
                guard let capability = CapabilityClass(rawValue: raw) else {
                    throw StemmaError(.malformedInput, "'\(path)': unknown capability class '\(raw)'")
                }
                classes[capability] = .table
            }
            let approval: ToolApproval =
                switch entry["approval"]?.string {
                case "none", "allow": .none
                case "ask", "prompt", "ask_user", "required": .ask
                default: .unknown
                }
            result.tools.append(
                ToolGrant(
                    server: entry["server"]?.string, name: name, classes: classes, classesUnknown: classes.isEmpty,
                    approval: approval, source: SourceLocation(path: path, line: entry.line)))
        }
        return result
    }
}

/// An A2A agent card (v1.0 names, v0.3 accepted): name, provider, scopes, signatures.
struct AgentCardPosture: Sendable {
    var name: String
    var provider: String?
    var description: String?
    var scopes: [String]
    var signed: Bool
    var location: SourceLocation
    var value: JSONValue

    /// Reads a card; nil when the JSON is not one (no `name`, or none of skills/interfaces/schemes).
    /// - Throws: ``StemmaError`` (`limitExceeded`) for more than 10,000 skills, or 1,000 security requirements or
    ///   schemes in one list.
    static func read(_ value: JSONValue, text: LineIndex, path: String) throws(StemmaError) -> AgentCardPosture? {
        guard let name = value["name"]?.stringValue,
            value["skills"] != nil || value["supportedInterfaces"] != nil || value["securitySchemes"] != nil
                || value["url"] != nil && value["capabilities"] != nil
        else { return nil }
        var scopes: [String] = []
        func collect(_ requirements: JSONValue?) throws(StemmaError) {
            let listed = try PostureBounds.whole(
                requirements?.arrayValue, limit: 1_000, what: "security requirements", in: path)
            for requirement in listed {
                // v1.0: {schemes: {name: {list: [...]}}}; v0.3: {name: [...]}
                let schemes = requirement["schemes"]?.objectValue ?? requirement.objectValue ?? []
                for (_, entry) in try PostureBounds.whole(schemes, limit: 1_000, what: "security schemes", in: path) {
                    for scope in (entry["list"] ?? entry).arrayValue?.compactMap(\.stringValue) ?? []
                    where !scopes.contains(scope) {
                        scopes.append(scope)
                    }
                }
            }
        }
        try collect(value["securityRequirements"] ?? value["security"])
        for skill in try PostureBounds.whole(value["skills"]?.arrayValue, limit: 10_000, what: "skills", in: path) {
            try collect(skill["securityRequirements"] ?? skill["security"])
        }
        return AgentCardPosture(
            name: name, provider: value["provider"]?["organization"]?.stringValue,
            description: value["description"]?.stringValue, scopes: scopes,
            signed: !(value["signatures"]?.arrayValue?.isEmpty ?? true),
            location: SourceLocation(path: path, line: text.line(ofKey: "name", value: name)), value: value)
    }
}
