/// Every format the inventory reads, in the order they are asked to recognise a file (more specific first).
enum InventoryFormats {
    static let readers: [any InventoryReader.Type] = [
        HuggingFaceCardReader.self,
        GGUFReader.self,
        SafetensorsReader.self,
        StemmaManifestReader.self,
        CycloneDXReader.self,
        OMSSignatureReader.self,
        A2AAgentCardReader.self,
        MCPConfigReader.self,
        CroissantReader.self,
        PyLockReader.self,
        UVLockReader.self,
        PoetryLockReader.self,
        RequirementsReader.self,
    ]
}
