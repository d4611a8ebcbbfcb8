import Foundation
import StemmaGraph
import StemmaInventory
import StemmaTestSupport
import Testing

/// The inventory walk on every core: a folder of many files is split between workers and every file is read once,
/// nested folders are reached, and the walk's bounds still hold (depth, links that leave the root).
@Suite struct ConcurrentWalkTests {
    /// 100 requirements files side by side (more than six chunks) and 20 nested ones: each read exactly once.
    @Test func everyFileIsReadOnceWhateverTheWorkerThatTookIt() throws {
        let folder = try TemporaryFolder()
        for index in 0..<100 {
            try folder.write("flat/requirements-\(index).txt", "package\(index)==1.0\n")
        }
        var nested = "deep"
        for index in 0..<20 {
            nested += "/level\(index)"
            try folder.write("\(nested)/requirements.txt", "nested\(index)==2.0\n")
        }
        let result = Inventory().read([folder.path])
        #expect(result.filesSeen == 120)
        #expect(result.filesRead == 120)
        let packages = Set(result.graph.nodes.map(\.ref.description).filter { $0.hasPrefix("pkg:pypi/") })
        #expect(packages.count == 120)
        for index in 0..<100 { #expect(packages.contains("pkg:pypi/package\(index)@1.0")) }
        for index in 0..<20 { #expect(packages.contains("pkg:pypi/nested\(index)@2.0")) }
    }

    /// A named pipe in the inventory is never opened (it would block) and is named as not read.
    @Test func aNamedPipeIsNamedNotOpened() throws {
        let folder = try TemporaryFolder()
        try folder.write("a/requirements.txt", "shallow==1.0\n")
        #expect(mkfifo(folder.url("a/stemma.yaml"), 0o600) == 0)
        let result = Inventory().read([folder.path])
        #expect(result.graph.nodes.contains { $0.ref.description == "pkg:pypi/shallow@1.0" })
        #expect(
            result.warnings.contains { $0.source.hasSuffix("a/stemma.yaml") && $0.message.contains("named pipe") },
            "\(result.warnings)")
    }

    /// A folder deeper than the limit is not read and says so; a link out of the root is not followed and says so;
    /// the walk's warnings come in path order.
    @Test func depthAndLinkBoundsHoldAndWarningsAreSorted() throws {
        let folder = try TemporaryFolder()
        let outside = try TemporaryFolder()
        try outside.write("requirements.txt", "secret==1.0\n")
        try folder.write("a/requirements.txt", "shallow==1.0\n")
        try folder.write("a/b/c/requirements.txt", "deep==1.0\n")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url("a/requirements-link.txt"), withDestinationPath: outside.url("requirements.txt"))
        var limits = InventoryLimits()
        limits.maxDepth = 1
        let result = Inventory(limits: limits).read([folder.path])
        let refs = Set(result.graph.nodes.map(\.ref.description))
        #expect(refs.contains("pkg:pypi/shallow@1.0"))
        #expect(!refs.contains("pkg:pypi/deep@1.0"))
        #expect(!refs.contains("pkg:pypi/secret@1.0"))
        #expect(result.warnings.contains { $0.source == folder.url("a/b") && $0.message.contains("nested deeper") })
        #expect(
            result.warnings.contains {
                $0.source == folder.url("a/requirements-link.txt") && $0.message.contains("leaves the inventory")
            })
        let walkWarnings = result.warnings.filter {
            $0.message.contains("nested deeper") || $0.message.contains("leaves the inventory")
        }.map(\.source)
        #expect(walkWarnings == walkWarnings.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }
}
