import StemmaFormats
import Testing

@Suite struct ModelPathTests {
    /// model_signing sorts by path components (Python PurePosixPath), not by plain string.
    @Test func ordersByPathComponentsLikeModelSigning() {
        let sorted = ["b/c", "a0", "a.b", "a-b", "a/b", "B"].sorted(by: ModelPath.precedes)
        #expect(sorted == ["B", "a/b", "a-b", "a.b", "a0", "b/c"])
    }

    @Test func ordersShardsNumericallyNotByText() {
        let shards = ["w:131072:196608", "w:65536:131072", "w:0:65536"].compactMap(ShardName.init(parsing:))
        #expect(shards.sorted(by: ShardName.precedes).map(\.start) == [0, 65536, 131072])
    }

    @Test(arguments: [("a:b.bin:0:10", "a:b.bin", UInt64(0), UInt64(10)), ("w/x:5:9", "w/x", 5, 9)])
    func parsesShardNamesFromTheRight(_ name: String, _ path: String, _ start: UInt64, _ end: UInt64) {
        let shard = ShardName(parsing: name)
        #expect(shard?.path == path && shard?.start == start && shard?.end == end)
        #expect(shard?.name == name)
    }

    @Test(arguments: ["w", "w:1", "w:01:2", "w:5:2", "w:-1:2", "w:a:b"])
    func refusesMalformedShardNames(_ name: String) {
        #expect(ShardName(parsing: name) == nil)
    }

    @Test(arguments: ["a", "a/b.c", ".hidden", "caf\u{e9}"])
    func acceptsSafeNames(_ name: String) { #expect(ModelPath.isSafeRelative(name)) }

    @Test(arguments: ["", "/etc/passwd", "../x", "a/../../b", "a//b", "./a", "a/.", "a\u{0}b", "a\nb"])
    func refusesUnsafeNames(_ name: String) { #expect(!ModelPath.isSafeRelative(name)) }

    @Test func shardLayoutCoversTheFileExactly() {
        let layout = ShardName.layout(path: "w", size: 2500, shardSize: 1000)
        #expect(layout.map(\.name) == ["w:0:1000", "w:1000:2000", "w:2000:2500"])
        #expect(ShardName.layout(path: "w", size: 0, shardSize: 1000).isEmpty)
    }
}
