import StemmaInventory
import StemmaModelHeaders
import Testing

/// The safetensors framing that `stemma scan` and the inventory share: one limit, the reference library's.
@Suite struct SafetensorsHeaderTests {
    private func head(_ length: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + Array("{\"a\":1}".utf8)
    }

    @Test func theLimitIsTheReferenceLibrarysHundredMillionBytes() {
        #expect(SafetensorsHeader.maxJSONBytes == 100_000_000)
        #expect(SafetensorsReader.maxJSONBytes == SafetensorsHeader.maxJSONBytes)
        #expect(SafetensorsReader.maxHeaderBytes == 100_000_008)
        let big = 200_000_000
        #expect(SafetensorsHeader.headerLength(head(100_000_000), fileSize: big) == .success(100_000_000))
        #expect(SafetensorsHeader.headerLength(head(100_000_001), fileSize: big) == .failure(.overLimit(100_000_001)))
        // 100 MiB, the scan's old limit, is over it.
        #expect(SafetensorsHeader.headerLength(head(104_857_600), fileSize: big) == .failure(.overLimit(104_857_600)))
    }

    @Test func lengthsOutsideTheFileOrTooShortAreRefused() {
        #expect(SafetensorsHeader.headerLength([1, 0, 0], fileSize: 3) == .failure(.noLength))
        #expect(SafetensorsHeader.headerLength(head(1), fileSize: 100) == .failure(.tooShort(1)))
        #expect(
            SafetensorsHeader.headerLength(head(93), fileSize: 100) == .failure(.pastEnd(declared: 93, available: 92)))
        #expect(SafetensorsHeader.headerLength(head(92), fileSize: 100) == .success(92))
        #expect(SafetensorsHeader.looksLikeHeader(head(7)))
    }
}
