import StemmaCore
import StemmaScan
import StemmaTestSupport
import Testing

@Suite struct ScanInputTests {
    @Test func slicesReadTheirOwnBytesFromMemoryAndFromFiles() throws {
        let bytes = Array(UInt8(0)..<UInt8(200))
        let folder = try TemporaryFolder()
        let path = try folder.write("input.bin", bytes)
        for input in [ScanInput(bytes: bytes, path: "memory"), try ScanInput.open(path: path)] {
            #expect(input.count == 200)
            let slice = input.slice(offset: 100, count: 50)
            #expect(try slice.bytes(at: 0, count: 4) == [100, 101, 102, 103])
            #expect(try slice.bytes(at: 48, count: 10) == [148, 149])
            #expect(try slice.allBytes(maxBytes: 49) == nil)
            #expect(try slice.allBytes(maxBytes: 50)?.count == 50)
            #expect(input.slice(offset: 190, count: 100).count == 10)
        }
    }
}
