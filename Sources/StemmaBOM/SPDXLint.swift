import StemmaCore
import StemmaGraph

/// Checks an SPDX 3.0.1 document for what its validators miss.
///
/// The AI and Dataset profiles require properties ("external property restrictions") that neither the 3.0.1 JSON
/// schema nor its SHACL shapes enforce: an `ai_AIPackage` needs `releaseTime`, `suppliedBy`,
/// `software_downloadLocation`, `software_packageVersion` and `software_primaryPurpose`; a
/// `dataset_DatasetPackage` needs `builtTime`, `originatedBy`, `releaseTime`, `software_downloadLocation` and
/// `software_primaryPurpose`. Stemma does not invent them, so each missing one is reported once, with a count.
/// Enumeration values are checked against the 3.0.1 vocabularies too, as a guard against a bad mapping.
enum SPDXLint {
    static let source = "spdx"

    static let required: [(type: String, profile: String, properties: [String])] = [
        (
            "ai_AIPackage", "AI",
            [
                "releaseTime", "suppliedBy", "software_downloadLocation", "software_packageVersion",
                "software_primaryPurpose",
            ]
        ),
        (
            "dataset_DatasetPackage", "Dataset",
            ["builtTime", "originatedBy", "releaseTime", "software_downloadLocation", "software_primaryPurpose"]
        ),
    ]

    static let primaryPurposes: Set<String> = [
        "application", "archive", "bom", "configuration", "container", "data", "device", "deviceDriver", "diskImage",
        "documentation", "evidence", "executable", "file", "filesystemImage", "firmware", "framework", "install",
        "library", "manifest", "model", "module", "operatingSystem", "other", "patch", "platform", "requirement",
        "source", "specification", "test",
    ]
    static let hashAlgorithms: Set<String> = [
        "adler32", "blake2b256", "blake2b384", "blake2b512", "blake3", "crystalsDilithium", "crystalsKyber", "falcon",
        "md2", "md4", "md5", "md6", "other", "sha1", "sha224", "sha256", "sha384", "sha3_224", "sha3_256", "sha3_384",
        "sha3_512", "sha512",
    ]
    static let datasetTypes: Set<String> = [
        "audio", "categorical", "graph", "image", "noAssertion", "numeric", "other", "sensor", "structured",
        "syntactic", "text", "timeseries", "timestamp", "video",
    ]
    /// The relationship types Stemma writes (a subset of the 3.0.1 vocabulary).
    static let relationshipTypes: Set<String> = ["ancestorOf", "contains", "dependsOn", "testedOn", "trainedOn"]
    static let scopes: Set<String> = ["build", "design", "development", "other", "runtime", "test"]

    /// One warning per missing required property (per element type), per `noAssertion` dataset type, and per
    /// value outside its vocabulary.
    static func warnings(_ document: JSONValue) -> [InventoryWarning] {
        let elements = document["@graph"]?.arrayValue ?? []
        var warnings: [InventoryWarning] = []
        for rule in required {
            let typed = elements.filter { $0["type"]?.stringValue == rule.type }
            guard !typed.isEmpty else { continue }
            let missing = rule.properties.compactMap { property -> String? in
                let count = typed.filter { $0[property] == nil }.count
                return count == 0 ? nil : "\(property) (\(count))"
            }
            if !missing.isEmpty {
                warnings.append(
                    InventoryWarning(
                        source: source,
                        message: "SPDX \(rule.profile) profile: of \(typed.count) \(rule.type) elements, some lack "
                            + "properties the profile requires and the inventory does not state: "
                            + missing.joined(separator: ", ")))
            }
        }
        let unknownTypes = elements.filter { element in
            element["dataset_datasetType"]?.arrayValue == [.string("noAssertion")]
        }.count
        if unknownTypes > 0 {
            warnings.append(
                InventoryWarning(
                    source: source,
                    message: "SPDX Dataset profile: dataset_datasetType is noAssertion for \(unknownTypes) "
                        + "dataset_DatasetPackage elements (the inventory does not say what kind of data they hold)"))
        }
        for element in elements {
            let id = element["spdxId"]?.stringValue ?? "?"
            check(element["software_primaryPurpose"], primaryPurposes, "software_primaryPurpose", id, &warnings)
            check(element["relationshipType"], relationshipTypes, "relationshipType", id, &warnings)
            check(element["scope"], scopes, "scope", id, &warnings)
            for value in element["dataset_datasetType"]?.arrayValue ?? [] {
                check(value, datasetTypes, "dataset_datasetType", id, &warnings)
            }
            for hash in element["verifiedUsing"]?.arrayValue ?? [] {
                check(hash["algorithm"], hashAlgorithms, "algorithm", id, &warnings)
            }
        }
        return warnings
    }

    private static func check(
        _ value: JSONValue?, _ allowed: Set<String>, _ name: String, _ id: String, _ warnings: inout [InventoryWarning]
    ) {
        guard let value else { return }
        guard let text = value.stringValue, allowed.contains(text) else {
            warnings.append(
                InventoryWarning(source: source, message: "\(id): \(name) \(value) is not an SPDX 3.0.1 value"))
            return
        }
    }
}
