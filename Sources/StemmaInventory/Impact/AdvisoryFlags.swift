public import StemmaCore
public import StemmaGraph

/// Flags every graph component that an OSV advisory matches.
enum AdvisoryFlags {
    static func match(
        advisoryPaths: [String], graph: Graph, limits: InventoryLimits
    ) throws(StemmaError) -> (flags: [FlaggedComponent], warnings: [InventoryWarning]) {
        throw StemmaError(.unsupported, "--advisories is not wired yet")
    }
}
