import Foundation
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

    /// Verify's hash worker lends its descriptor: the input reads exactly the first `count` bytes of it and never
    /// closes it, so the worker's identity check after the scan still runs on the file it hashed.
    @Test func aBorrowedDescriptorIsReadButNeverClosed() throws {
        let bytes = Array(UInt8(0)..<UInt8(100))
        let folder = try TemporaryFolder()
        let path = try folder.write("input.bin", bytes)
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        do {
            let input = ScanInput.borrowing(descriptor: descriptor, count: 60, path: path)
            #expect(input.count == 60)
            #expect(try input.bytes(at: 58, count: 10) == [58, 59])
            #expect(try input.slice(offset: 10, count: 3).bytes(at: 0, count: 3) == [10, 11, 12])
        }
        #expect(fcntl(descriptor, F_GETFD) >= 0, "the input must not close a descriptor it does not own")
        var byte: UInt8 = 0
        #expect(pread(descriptor, &byte, 1, 99) == 1 && byte == 99)
    }
}
