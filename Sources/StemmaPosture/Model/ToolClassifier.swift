import StemmaCore

/// Assigns capability classes to a tool: the table first, then MCP annotations, then name keywords; each class
/// keeps its strongest evidence.
enum ToolClassifier {
    /// Classes of a platform built-in, or nil when the table does not know the tool.
    static func builtin(platform: String, tool: String) -> [CapabilityClass: CapabilityEvidence]? {
        guard let classes = CapabilityTable.builtins[platform]?[tool] else { return nil }
        return Dictionary(classes.map { ($0, .table) }, uniquingKeysWith: { a, _ in a })
    }

    /// Classes of an MCP tool from the server package's table entry, its `tools/list` entry and its name.
    static func mcpTool(
        package: String?, tool: MCPToolDefinition?, name: String
    ) -> [CapabilityClass: CapabilityEvidence] {
        var result: [CapabilityClass: CapabilityEvidence] = [:]
        func add(_ capability: CapabilityClass, _ evidence: CapabilityEvidence) {
            if let old = result[capability], old >= evidence { return }
            result[capability] = evidence
        }
        if let package, let classes = CapabilityTable.mcpPackages[package] {
            for capability in classes { add(capability, .table) }
        }
        if let tool {
            // Pessimistic defaults when a hint is absent: readOnlyHint false, destructiveHint true,
            // openWorldHint true (MCP schema 2025-11-25, ToolAnnotations).
            let readOnly = tool.readOnlyHint ?? false
            if !readOnly {
                add(.externalSideEffect, .annotation)
                if tool.destructiveHint ?? true { add(.destructive, .annotation) }
            }
            if tool.openWorldHint ?? true {
                add(.networkEgress, .annotation)
                add(.untrustedContentIn, .annotation)
            }
            if tool.sensitiveMeta { add(.sensitiveDataRead, .annotation) }
        }
        for capability in CapabilityTable.heuristicClasses(forName: name) { add(capability, .heuristic) }
        return result
    }
}
