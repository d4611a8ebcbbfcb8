import StemmaCore
import Testing

@testable import StemmaScan

/// An archive member scanned from its chunks (as `verify` hashes them, and `stemma scan` reads tar members) gets
/// every view a loader takes, not only its first 64 KiB.
@Suite struct StreamedMemberScanTests {
    private static let hdf5Signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]

    private static func feed(_ bytes: [UInt8], chunk: Int, declared: Int?, name: String = "weights/blob")
        -> StreamedMemberScan
    {
        var scan = StreamedMemberScan(name: name, declaredSize: declared, limits: .standard)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunk)
            bytes[offset..<end].withUnsafeBytes { scan.consume($0) }
            offset = end
        }
        return scan
    }

    @Test(arguments: [64 << 10, 256 << 10])
    func smallDataIsKeptWholeSoAUserBlockIsSeen(_ chunk: Int) {
        // An HDF5 superblock behind a 128 KiB user block: past the 64 KiB head, inside the data bound.
        var bytes = [UInt8](repeating: 0x41, count: 300 << 10)
        bytes.replaceSubrange((128 << 10)..<((128 << 10) + 8), with: Self.hdf5Signature)
        guard case .whole(let kept) = Self.feed(bytes, chunk: chunk, declared: bytes.count).outcome else {
            Issue.record("small raw data must be kept whole and scanned with every view")
            return
        }
        #expect(kept == bytes)
    }

    @Test(arguments: [(64 << 10, true), (256 << 10, true), (64 << 10, false)])
    func largeDataIsStreamedButASuperblockAtAUserBlockBoundaryIsReported(_ chunk: Int, declared: Bool) {
        let size = 2 * StreamedMemberScan.dataBound + (8 << 20)
        var bytes = [UInt8](repeating: 0, count: size)
        let at = 32 << 20  // past the data bound: seen only while streaming
        #expect(at + 8 < size)
        bytes.replaceSubrange(at..<(at + 8), with: Self.hdf5Signature)
        guard case .streamedData(let findings) = Self.feed(bytes, chunk: chunk, declared: declared ? size : nil).outcome
        else {
            Issue.record("large raw data is streamed past")
            return
        }
        #expect(findings.count == 1 && findings[0].verdict == .malformed, "\(findings)")
        #expect(findings.first?.message.contains("offset \(at)") == true)
    }

    @Test func largeDataWithoutAnotherViewIsQuiet() {
        let bytes = [UInt8](repeating: 0, count: StreamedMemberScan.dataBound + (1 << 20))
        guard case .streamedData(let findings) = Self.feed(bytes, chunk: 64 << 10, declared: nil).outcome else {
            Issue.record("large raw data is streamed past")
            return
        }
        #expect(findings.isEmpty)
    }

    /// Raw data under a model-shaped name is not a readable model whether it is kept whole (16 MiB or less) or
    /// streamed past; a `.pb` is not judged from a stream (a frozen graph is well-formed protobuf).
    @Test func largeDataUnderAModelShapedNameIsNotAModelFile() {
        let bytes = [UInt8](repeating: 0, count: StreamedMemberScan.dataBound + (1 << 20))
        for (name, expected) in [("model.bin", [FindingCode.scanNotAModelFile]), ("graph.pb", []), ("blob", [])] {
            guard case .streamedData(let findings) = Self.feed(bytes, chunk: 1 << 20, declared: nil, name: name).outcome
            else {
                Issue.record("large raw data is streamed past")
                continue
            }
            #expect(findings.map(\.code) == expected, "\(name): \(findings)")
        }
    }
}
