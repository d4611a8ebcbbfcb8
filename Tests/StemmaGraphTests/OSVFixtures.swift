import Foundation
import StemmaCore
import StemmaGraph

/// Loads the OSV records saved in `Fixtures/` next to this file (no bundle resources needed).
enum OSVFixtures {
    static let langchain = "osv.PYSEC-2023-18.langchain.json"
    static let torch = "osv.PYSEC-2022-43015.torch.json"
    static let malicious = "osv.MAL-2024-9933.3web.pypi-malicious.json"

    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/" + name).path
    }

    static func advisory(_ name: String) throws -> OSVAdvisory {
        let data = try Data(contentsOf: URL(fileURLWithPath: path(name)))
        return try OSVAdvisory.parse([UInt8](data), source: name)
    }

    /// Parses a record written inline in a test.
    static func advisory(json: String) throws -> OSVAdvisory {
        try OSVAdvisory.parse(Array(json.utf8), source: "inline.json")
    }
}
