internal import StemmaCore
public import StemmaGraph

/// Reads MCP client configurations and MCP Registry `server.json` files into tool nodes.
///
/// - Client configs (Claude Desktop, Cursor, Claude Code `.mcp.json`: `mcpServers`; VS Code `.vscode/mcp.json`:
///   `servers`): each server becomes a tool named by what it runs (``identity(name:launched:url:folder:)``),
///   with an edge `uses-tool` from the agent of the config's folder, and, when its launch command names a
///   package (``MCPLaunchCommand``), a `requires-package` edge (`inferred`) to it; an unpinned one sets the
///   property `pinned: false`. The config key is kept as the property `server-name`.
/// - Registry `server.json`: `tool:<name>@<version>` with `requires-package` edges (`declared`) to its npm,
///   PyPI, OCI and NuGet packages and an `.mcpb` bundle's `fileSha256` as an artifact.
///
/// Secrets never reach a property: `env` and `headers` give only their names, arguments are not copied, and
/// URLs lose their user information, query and fragment.
public enum MCPConfigReader: InventoryReader {
    /// `mcp-config`.
    public static let formatName = "mcp-config"

    /// A JSON object whose `mcpServers` or `servers` member maps names to server entries (`command` or `url`),
    /// or an MCP Registry `server.json` (its `$schema`, or `name` with `packages` / `remotes`).
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        if let document = FormatReaderSupport.completeDocument(head, source: path) {
            if isRegistryServer(document) { return true }
            guard let servers = (document["mcpServers"] ?? document["servers"])?.objectValue else { return false }
            return servers.allSatisfy { $0.1["command"]?.stringValue != nil || $0.1["url"]?.stringValue != nil }
        }
        guard let keys = FormatReaderSupport.topLevelKeys(head) else { return false }
        if keys.contains("mcpServers") { return true }
        if keys.contains("servers") {
            return FormatReaderSupport.contains("\"command\"", in: head)
                || FormatReaderSupport.contains("\"url\"", in: head)
        }
        return FormatReaderSupport.contains("modelcontextprotocol.io/schemas", in: head)
            || (keys.contains("name") && keys.contains("packages")
                && FormatReaderSupport.contains("registryType", in: head))
    }

    private static func isRegistryServer(_ document: JSONValue) -> Bool {
        if let schema = document["$schema"]?.stringValue, schema.contains("modelcontextprotocol") {
            return schema.contains("server")
        }
        guard document["name"]?.stringValue != nil, document["mcpServers"] == nil, document["servers"] == nil
        else { return false }
        let packages = document["packages"]?.arrayValue ?? []
        return packages.contains { $0["registryType"] != nil || $0["registry_type"] != nil }
            || (document["remotes"]?.arrayValue?.contains { $0["url"] != nil } ?? false)
    }

    /// Reads the configuration or `server.json`.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, source: path)
        } catch {
            return .refused(path, error)
        }
        if isRegistryServer(document) { return readRegistryServer(document, path: path) }
        guard let servers = (document["mcpServers"] ?? document["servers"])?.objectValue else {
            return .warning(path, "MCP configuration has no 'mcpServers' or 'servers' object")
        }
        var fragment = InventoryFragment()
        let folder = FileSystemPath.folder(of: path)
        for (name, entry) in servers {
            guard entry.objectValue != nil, !name.isEmpty else {
                fragment.warnings.append(
                    InventoryWarning(source: path, message: "MCP server '\(name)' is \(entry.kindName), not an object"))
                continue
            }
            fragment.merge(readServer(name: name, entry: entry, folder: folder, path: path))
        }
        return fragment
    }

    private static func readServer(name: String, entry: JSONValue, folder: String, path: String) -> InventoryFragment {
        var fragment = InventoryFragment()
        var properties = ["format": formatName, "server-name": name]
        let command = entry["command"]?.stringValue
        let url = entry["url"]?.stringValue ?? entry["serverUrl"]?.stringValue
        properties["transport"] = entry["type"]?.stringValue ?? (url != nil && command == nil ? "http" : "stdio")
        properties["url"] = url.map(FormatReaderSupport.redactedURL)
        properties["env"] = names(entry["env"])
        properties["headers"] = names(entry["headers"])
        var launched: MCPLaunchPackage?
        if let command {
            properties["command"] = FormatReaderSupport.fileName(of: command)
            let arguments = (entry["args"]?.arrayValue ?? []).compactMap(\.stringValue)
            launched = MCPLaunchCommand.package(command: command, arguments: arguments)
            if let launched {
                properties["package"] = launched.ref.description
                properties["pinned"] = String(launched.pinned)
            } else if let module = pythonModule(command: command, arguments: arguments) {
                properties["module"] = module
            }
        } else if url == nil {
            fragment.warnings.append(
                InventoryWarning(source: path, message: "MCP server '\(name)' has neither a command nor a url"))
        }
        let tool = identity(name: name, launched: launched, url: command == nil ? url : nil, folder: folder)
        if let launched {
            fragment.edges.append(
                EdgeRecord(
                    from: tool, to: launched.ref, relation: .requiresPackage,
                    evidence: Evidence(source: path, status: .inferred)))
        }
        fragment.components.append(ComponentRecord(ref: tool, properties: properties, source: path))
        fragment.edges.insert(
            EdgeRecord(
                from: .agentOfFolder(folder), to: tool, relation: .usesTool,
                evidence: Evidence(source: path, status: .declared)),
            at: 0)
        return fragment
    }

    /// A server is what it runs, never what a config calls it: two configs' `fetch` servers, one launching
    /// `uvx mcp-server-fetch` and the other `npx evil-fetch`, are two tools, and the same package launched under
    /// two names is one. A launched package gives `tool:pkg:npm/NAME[@VERSION]` (an image `tool:pkg:oci/…`), a
    /// remote server its URL (`tool:https://host/path`, without credentials, query or fragment). Local code
    /// (`python -m server`, `node ./index.js`) has no name outside its folder, so its config key is qualified by
    /// the config's folder (`tool:FOLDER#KEY`).
    static func identity(name: String, launched: MCPLaunchPackage?, url: String?, folder: String) -> ComponentRef {
        if let launched {
            return ComponentRef(
                kind: .tool, ecosystem: launched.ref.ecosystem, name: launched.ref.name, version: launched.ref.version)
        }
        if let url, let remote = canonicalURL(url) { return ComponentRef(kind: .tool, name: remote) }
        return ComponentRef(kind: .tool, name: folder + "#" + name)
    }

    /// A redacted URL with its scheme and host in lowercase (they are case-insensitive) and no trailing `/`.
    static func canonicalURL(_ text: String) -> String? {
        var url = FormatReaderSupport.redactedURL(text)
        guard let schemeEnd = url.firstRange(of: "://") else { return nil }
        let authorityEnd = url[schemeEnd.upperBound...].firstIndex(of: "/") ?? url.endIndex
        url = url[..<authorityEnd].lowercased() + url[authorityEnd...]
        while url.hasSuffix("/") && url.utf8.count > 1 { url.removeLast() }
        guard !url.contains("@") else { return nil }  // `@` would read as a version
        return url
    }

    /// The member names of an object (`env`, `headers`), sorted and comma-joined; never the values.
    private static func names(_ value: JSONValue?) -> String? {
        guard let members = value?.objectValue, !members.isEmpty else { return nil }
        return members.map(\.0).sorted().joined(separator: ",")
    }

    /// `python -m module`: local code, named so that a reader of the report can find it.
    private static func pythonModule(command: String, arguments: [String]) -> String? {
        guard FormatReaderSupport.fileName(of: command).lowercased().hasPrefix("python"),
            let flag = arguments.firstIndex(of: "-m"), flag + 1 < arguments.count
        else { return nil }
        return arguments[flag + 1]
    }

    // MARK: MCP Registry server.json

    private static func readRegistryServer(_ document: JSONValue, path: String) -> InventoryFragment {
        guard let name = document["name"]?.stringValue, !name.isEmpty else {
            return .warning(path, "MCP server.json has no name")
        }
        var fragment = InventoryFragment()
        let version = document["version"]?.stringValue ?? document["version_detail"]?["version"]?.stringValue
        let tool = ComponentRef(kind: .tool, name: name, version: version)
        var properties = ["format": "mcp-server.json"]
        properties["title"] = document["title"]?.stringValue
        properties["description"] = document["description"]?.stringValue
        let remotes = (document["remotes"]?.arrayValue ?? []).compactMap { $0["url"]?.stringValue }
        if !remotes.isEmpty { properties["url"] = remotes.map(FormatReaderSupport.redactedURL).joined(separator: ",") }
        var artifacts: [String] = []
        let evidence = Evidence(source: path, status: .declared)
        for package in document["packages"]?.arrayValue ?? [] {
            let type = (package["registryType"] ?? package["registry_type"] ?? package["registry_name"])?.stringValue
            guard let type, let identifier = (package["identifier"] ?? package["name"])?.stringValue else {
                fragment.warnings.append(
                    InventoryWarning(
                        source: path, message: "MCP server.json package without a registry type or identifier"))
                continue
            }
            if let digest = package["fileSha256"]?.stringValue {
                if FormatReaderSupport.isSHA256(digest) && digest.contains(where: { $0 != "0" }) {
                    artifacts.append(digest.lowercased())
                } else {
                    fragment.warnings.append(
                        InventoryWarning(
                            source: path, message: "package '\(identifier)' has a placeholder or invalid fileSha256"))
                }
            }
            guard
                let ref = registryPackage(type: type, identifier: identifier, version: package["version"]?.stringValue)
            else { continue }
            fragment.edges.append(EdgeRecord(from: tool, to: ref, relation: .requiresPackage, evidence: evidence))
        }
        fragment.components.insert(
            ComponentRecord(ref: tool, properties: properties, artifacts: artifacts, source: path), at: 0)
        return fragment
    }

    private static func registryPackage(type: String, identifier: String, version: String?) -> ComponentRef? {
        switch type.lowercased() {
        case "npm", "pypi", "nuget":
            return ComponentRef(kind: .package, ecosystem: type.lowercased(), name: identifier, version: version)
        case "oci", "docker":
            let image = MCPLaunchCommand.package(command: "docker", arguments: ["run", identifier])?.ref
            guard let image else { return nil }
            return ComponentRef(kind: .package, ecosystem: "oci", name: image.name, version: image.version ?? version)
        default:
            return nil  // mcpb bundles are files at a URL: their digest is recorded as an artifact
        }
    }
}
