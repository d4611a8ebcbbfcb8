import StemmaCore
public import StemmaGraph

/// CycloneDX 1.4–1.7 JSON BOMs from any tool.
///
/// `metadata.component` is the subject (an `application` subject is an agent, with its properties kept); each
/// component becomes a node by purl (or kind and name), `dependencies` become edges with the relation implied by
/// the kinds at both ends, `pedigree.ancestors` become lineage, `modelCard.modelParameters.datasets` training
/// data, and SHA-256 `hashes` artifacts. Dangling and duplicate `bom-ref`s are warnings.
public enum CycloneDXReader: InventoryReader {
    public static let formatName = "cyclonedx"

    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        ByteSearch.firstSignificant(head) == UInt8(ascii: "{") && ByteSearch.contains(head, "\"bomFormat\"")
            && ByteSearch.contains(head, "CycloneDX")
    }

    /// Reads the BOM member by member: each component is read as soon as it is parsed and its tree dropped, and
    /// `dependencies` are kept as plain bom-ref lists until every bom-ref is known, so a 57 MB BOM never becomes
    /// a tree several times its size.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        var reader = BOMReading(path: path)
        var format: String?
        var subject: ComponentRef?
        var services: [JSONValue] = []
        var dependencies: [(ref: String, dependsOn: [String])] = []
        var dependencyEntries = 0
        func readSubject(_ metadata: JSONValue) {
            let before = reader.fragment.components.count
            subject = metadata["component"].flatMap { reader.component($0, isSubject: true) }
            // A `metadata` after `components` (rare): its subject still comes first, as in document order.
            if before > 0, reader.fragment.components.count > before {
                let added = reader.fragment.components[before...]
                reader.fragment.components.removeSubrange(before...)
                reader.fragment.components.insert(contentsOf: added, at: 0)
            }
        }
        // A UTF-8 byte order mark (which RFC 8259 lets a parser ignore, and Windows tools write) is skipped.
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        do {
            try JSONParser.parseMembers(
                bytes, limits: InventoryLimits.json, source: path, streaming: ["components", "dependencies"],
                member: { key, value in
                    switch key {
                    case "bomFormat": format = value.stringValue
                    case "metadata": readSubject(value)
                    case "services": services = value.arrayValue ?? []
                    case "dependencies": dependencyEntries += value.arrayValue?.count ?? 0
                    default: break
                    }
                },
                element: { key, value in
                    if key == "components" {
                        _ = reader.component(value, isSubject: false)
                        return
                    }
                    dependencyEntries += 1
                    guard let from = value["ref"]?.stringValue else { return }
                    let targets = value["dependsOn"]?.arrayValue?.compactMap(\.stringValue) ?? []
                    dependencies.append((from, targets))
                })
        } catch {
            // The file was recognised as a CycloneDX BOM by its head, so a document that then fails to parse (cut
            // short, a key twice) is a BOM not read: its dependencies could make an agent affected.
            return .notFullyRead(path, error.message + "; not read")
        }
        guard format == "CycloneDX" else { return .warning(path, "is not a CycloneDX BOM") }
        for service in services { reader.service(service) }
        reader.dependencies(dependencies, entryCount: dependencyEntries, subject: subject)
        return reader.fragment
    }
}

/// The state of reading one BOM: bom-refs seen so far and what they name.
private struct BOMReading {
    let path: String
    var fragment = InventoryFragment()
    var byBOMRef: [String: ComponentRef] = [:]
    var pendingDatasets: [(ComponentRef, String)] = []

    init(path: String) { self.path = path }

    var evidence: Evidence { Evidence(source: path, status: .declared) }

    mutating func warn(_ message: String) {
        if fragment.warnings.count < 100 { fragment.warnings.append(InventoryWarning(source: path, message: message)) }
    }

    static func kind(type: String?, properties: [String: String], isSubject: Bool) -> NodeKind {
        if let declared = properties["kind"].flatMap(NodeKind.init(rawValue:)) { return declared }
        switch type {
        case "machine-learning-model": return .model
        case "data": return .dataset
        case "application": return .agent
        case "library", "framework", "container", "platform", "operating-system", "firmware", "device-driver":
            return .package
        default: return isSubject ? .agent : .package
        }
    }

    /// Properties with `stemma:` prefixes stripped, so `stemma:owner` reads as `owner`.
    static func properties(_ value: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for property in value?.arrayValue ?? [] {
            guard let name = property["name"]?.stringValue, let text = property["value"]?.stringValue else { continue }
            let key = name.hasPrefix("stemma:") ? String(name.dropFirst(7)) : name
            if result[key] == nil { result[key] = text }
        }
        return result
    }

    mutating func ref(of value: JSONValue, kind: NodeKind) -> ComponentRef? {
        if let purl = value["purl"]?.stringValue {
            if var parsed = ComponentRef(parsing: purl) {
                if parsed.kind != kind, kind == .agent || kind == .dataset || kind == .corpus || kind == .tool {
                    parsed = ComponentRef(
                        kind: kind, ecosystem: parsed.ecosystem, name: parsed.name, version: parsed.version)
                }
                return parsed
            }
            warn("the purl \"\(purl.prefix(200))\" does not parse")
        }
        guard let name = value["name"]?.stringValue, !name.isEmpty else { return nil }
        let group = value["group"]?.stringValue.map { $0 + "/" } ?? ""
        return ComponentRef(kind: kind, name: group + name, version: value["version"]?.stringValue)
    }

    mutating func component(_ value: JSONValue, isSubject: Bool) -> ComponentRef? {
        var properties = Self.properties(value["properties"])
        let kind = Self.kind(type: value["type"]?.stringValue, properties: properties, isSubject: isSubject)
        guard let ref = ref(of: value, kind: kind) else {
            warn("a component has neither a purl nor a name")
            return nil
        }
        properties.removeValue(forKey: "kind")
        if let license = value["licenses"]?.arrayValue?.first,
            let id = license["license"]?["id"]?.stringValue ?? license["expression"]?.stringValue
        {
            properties["license"] = id
        }
        let digests = (value["hashes"]?.arrayValue ?? []).compactMap { hash -> String? in
            guard hash["alg"]?.stringValue?.uppercased() == "SHA-256",
                let content = hash["content"]?.stringValue?.lowercased(),
                content.utf8.count == 64, content.allSatisfy(\.isHexDigit)
            else { return nil }
            return content
        }
        fragment.components.append(ComponentRecord(ref: ref, properties: properties, artifacts: digests, source: path))
        if let bomRef = value["bom-ref"]?.stringValue {
            if byBOMRef[bomRef] != nil {
                warn("the bom-ref \"\(bomRef.prefix(200))\" is used twice; the first is kept")
            } else {
                byBOMRef[bomRef] = ref
            }
        }
        for ancestor in value["pedigree"]?["ancestors"]?.arrayValue ?? [] {
            let ancestorKind = Self.kind(type: ancestor["type"]?.stringValue, properties: [:], isSubject: false)
            if let parent = self.ref(
                of: ancestor, kind: ancestorKind == .package && kind == .model ? .model : ancestorKind)
            {
                fragment.edges.append(
                    EdgeRecord(
                        from: ref, to: parent, relation: kind == .model ? .fineTunedFrom : .derivedFrom,
                        evidence: evidence))
            }
        }
        for dataset in value["modelCard"]?["modelParameters"]?["datasets"]?.arrayValue ?? [] {
            if let target = dataset["ref"]?.stringValue {
                pendingDatasets.append((ref, target))
            } else if let named = self.ref(of: dataset, kind: .dataset) {
                fragment.edges.append(EdgeRecord(from: ref, to: named, relation: .trainedOn, evidence: evidence))
            }
        }
        for nested in value["components"]?.arrayValue ?? [] { _ = component(nested, isSubject: false) }
        return ref
    }

    mutating func service(_ value: JSONValue) {
        let properties = Self.properties(value["properties"])
        guard let name = value["name"]?.stringValue else { return }
        let ref = ComponentRef(
            kind: properties["kind"].flatMap(NodeKind.init(rawValue:)) ?? .tool, name: name,
            version: value["version"]?.stringValue)
        var kept = properties
        if let endpoint = value["endpoints"]?.arrayValue?.first?.stringValue { kept["url"] = endpoint }
        fragment.components.append(ComponentRecord(ref: ref, properties: kept, source: path))
        if let bomRef = value["bom-ref"]?.stringValue, byBOMRef[bomRef] == nil { byBOMRef[bomRef] = ref }
    }

    /// `dependencies` entries as bom-refs (`ref`, `dependsOn`); `entryCount` counts entries without a `ref` too.
    mutating func dependencies(
        _ entries: [(ref: String, dependsOn: [String])], entryCount: Int, subject: ComponentRef?
    ) {
        for (model, target) in pendingDatasets {
            guard let dataset = byBOMRef[target] else {
                warn("modelCard dataset ref \"\(target.prefix(200))\" names no component")
                continue
            }
            fragment.edges.append(EdgeRecord(from: model, to: dataset, relation: .trainedOn, evidence: evidence))
        }
        for (from, targets) in entries {
            guard let dependent = byBOMRef[from] else {
                warn("dependencies names \"\(from.prefix(200))\", which is not a bom-ref in this BOM")
                continue
            }
            for to in targets {
                guard let dependency = byBOMRef[to] else {
                    warn("\"\(from.prefix(100))\" depends on \"\(to.prefix(100))\", which is not a bom-ref in this BOM")
                    continue
                }
                fragment.edges.append(
                    EdgeRecord(
                        from: dependent, to: dependency, relation: .implied(from: dependent.kind, to: dependency.kind),
                        evidence: evidence))
            }
        }
        // A BOM without a dependency graph still says its subject uses its components.
        if entryCount == 0, let subject {
            for component in fragment.components where component.ref != subject {
                fragment.edges.append(
                    EdgeRecord(
                        from: subject, to: component.ref,
                        relation: .implied(from: subject.kind, to: component.ref.kind),
                        evidence: Evidence(source: path, status: .inferred)))
            }
        }
    }
}
