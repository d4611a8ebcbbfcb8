import Foundation
import StemmaBOM
import StemmaCore
import StemmaGraph

/// The example fleet, read once, and helpers to look inside a BOM.
enum FleetBOM {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let fleet = repositoryRoot + "/examples/fleet"
    static let advisories = repositoryRoot + "/examples/fleet/advisories"

    static func request(agent: String? = nil, advisories: [String] = []) -> BOMRequest {
        var request = BOMRequest(inventory: [fleet])
        request.agent = agent.flatMap { ComponentRef(parsing: $0) }
        request.advisories = advisories
        request.timestamp = "2026-01-01T00:00:00Z"
        return request
    }

    /// Every `bom-ref` anywhere in the document.
    static func bomRefs(_ value: JSONValue) -> [String] {
        switch value {
        case .object(let members):
            var refs = members.first { $0.0 == "bom-ref" }?.1.stringValue.map { [$0] } ?? []
            for (_, member) in members { refs += bomRefs(member) }
            return refs
        case .array(let elements): return elements.flatMap(bomRefs)
        default: return []
        }
    }

    /// Every `ref`, `dependsOn` item and `affects` ref: what must resolve to a bom-ref.
    static func references(_ value: JSONValue) -> [String] {
        var refs: [String] = []
        for dependency in value["dependencies"]?.arrayValue ?? [] {
            refs += [dependency["ref"]?.stringValue ?? ""]
            refs += (dependency["dependsOn"]?.arrayValue ?? []).compactMap(\.stringValue)
        }
        for component in value["components"]?.arrayValue ?? [] {
            let datasets = component["modelCard"]?["modelParameters"]?["datasets"]?.arrayValue ?? []
            refs += datasets.compactMap { $0["ref"]?.stringValue }
        }
        for vulnerability in value["vulnerabilities"]?.arrayValue ?? [] {
            refs += (vulnerability["affects"]?.arrayValue ?? []).compactMap { $0["ref"]?.stringValue }
        }
        return refs
    }

    static func property(_ component: JSONValue, _ name: String) -> [String] {
        (component["properties"]?.arrayValue ?? []).filter { $0["name"]?.stringValue == name }
            .compactMap { $0["value"]?.stringValue }
    }
}
