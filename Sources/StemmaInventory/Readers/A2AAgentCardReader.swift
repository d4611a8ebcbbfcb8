internal import StemmaCore
public import StemmaGraph

/// Reads an A2A agent card (`/.well-known/agent-card.json`, v0.3 and v1.0) into an agent node.
///
/// The card names an endpoint and its skills, not the agent's model, tools or data, so it yields one
/// component and no edges: `agent:<name>[@<version>]` with the provider organisation, the endpoint URL (v0.3
/// `url`, else the first v1.0 `supportedInterfaces[].url`), the protocol version, the skill ids and whether
/// the card carries JWS signatures. It is recognised by content: a JSON object with `name`, `skills` and
/// `supportedInterfaces`, or `url` / `protocolVersion`.
public enum A2AAgentCardReader: InventoryReader {
    /// `a2a-agent-card`.
    public static let formatName = "a2a-agent-card"

    /// An object with `name` and `skills` and either `supportedInterfaces` (v1.0) or `url` / `protocolVersion`
    /// (v0.3).
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        if let document = FormatReaderSupport.completeDocument(head, source: path) {
            guard document["name"]?.stringValue != nil, document["skills"]?.arrayValue != nil else { return false }
            return document["supportedInterfaces"]?.arrayValue != nil || document["url"]?.stringValue != nil
                || document["protocolVersion"]?.stringValue != nil
        }
        guard let keys = FormatReaderSupport.topLevelKeys(head) else { return false }
        return keys.contains("name") && keys.contains("skills")
            && (keys.contains("supportedInterfaces") || keys.contains("url") || keys.contains("protocolVersion"))
    }

    /// Reads the card into an agent component.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let card: JSONValue
        do {
            card = try JSONParser.parse(bytes, source: path)
        } catch {
            return .refused(path, error)
        }
        guard let name = card["name"]?.stringValue, !name.isEmpty else {
            return .warning(path, "A2A agent card has no name")
        }
        var fragment = InventoryFragment()
        let interfaces = card["supportedInterfaces"]?.arrayValue ?? []
        var properties = ["format": "a2a-agent-card"]
        properties["provider"] = card["provider"]?["organization"]?.stringValue
        properties["provider_url"] = card["provider"]?["url"]?.stringValue.map(FormatReaderSupport.redactedURL)
        let url = card["url"]?.stringValue ?? interfaces.lazy.compactMap { $0["url"]?.stringValue }.first
        properties["url"] = url.map(FormatReaderSupport.redactedURL)
        properties["protocol_version"] =
            card["protocolVersion"]?.stringValue
            ?? interfaces.lazy.compactMap { $0["protocolVersion"]?.stringValue }.first
        properties["description"] = card["description"]?.stringValue
        let skills = (card["skills"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue ?? $0["name"]?.stringValue }
        if !skills.isEmpty { properties["skills"] = skills.joined(separator: ",") }
        if let signatures = card["signatures"]?.arrayValue, !signatures.isEmpty { properties["signed"] = "true" }
        let version = card["version"]?.stringValue
        if version == nil {
            fragment.warnings.append(InventoryWarning(source: path, message: "A2A agent card has no version"))
        }
        let ref = ComponentRef(kind: .agent, name: name, version: version)
        fragment.components.append(ComponentRecord(ref: ref, properties: properties, source: path))
        return fragment
    }
}
