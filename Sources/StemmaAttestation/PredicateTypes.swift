public import StemmaCore

/// The predicate types Stemma recognises, and how it picks one for a BOM.
public enum PredicateTypes {
    /// CycloneDX BOM (`bomFormat` CycloneDX).
    public static let cycloneDX = "https://cyclonedx.org/bom"
    /// SPDX 3 JSON-LD.
    public static let spdx3 = "https://spdx.dev/Document/v3"

    /// The predicate type a document's content implies, or nil when it is neither CycloneDX nor SPDX 3.
    public static func detect(_ document: JSONValue) -> String? {
        if document["bomFormat"]?.stringValue == "CycloneDX" { return cycloneDX }
        let contexts: [JSONValue]
        switch document["@context"] {
        case .some(.string(let text)): contexts = [.string(text)]
        case .some(.array(let items)): contexts = items
        default: contexts = []
        }
        if contexts.contains(where: { $0.stringValue?.lowercased().contains("spdx") == true }) { return spdx3 }
        return nil
    }
}
