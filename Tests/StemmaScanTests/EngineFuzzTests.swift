import StemmaCore
import Testing

@testable import StemmaScan

/// Mutated containers (byte flips, truncation) never crash the scanner, and anything it could not parse is
/// never called safe.
@Suite struct EngineFuzzTests {
    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(1, bound))) }
    }

    @Test func mutatedContainersNeverCrashOrPassMalformed() throws {
        let inner = try ZipWriter.zip([ZipEntry(name: "x.pkl", data: Fixture.maliciousPickle)])
        let seeds: [[UInt8]] = [
            try ZipWriter.zip([
                ZipEntry(name: "archive/data.pkl", data: Fixture.benignPickle),
                ZipEntry(name: "archive/data/0", data: [UInt8](repeating: 3, count: 64)),
                ZipEntry(name: "inner.zip", data: inner, deflate: true),
                ZipEntry(
                    name: "a.npy",
                    data: Fixture.npy(
                        "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }",
                        data: [UInt8](repeating: 0, count: 8)), deflate: true),
            ]),
            TarWriter.tar([("a.pkl", .file(Fixture.protocolZeroPickle)), ("b", .symlink("x"))]),
            Fixture.npy(
                "{'descr': [('a', '<i4'), ('b', '|O')], 'fortran_order': False, 'shape': (3,), }",
                data: Fixture.benignPickle),
            try Fixture.gzip(TarWriter.tar([("m.pkl", .file(Fixture.benignPickle))])),
            Fixture.legacyTorch,
            Fixture.sevenZip,
            try Fixture.gzip(Fixture.protocolZeroPickle),
        ]
        let scanner = ModelScanner(limits: ScanLimits(maxMemberBytes: 1 << 20, maxTotalBytes: 4 << 20))
        var random = Generator(state: 0x5EED)
        for iteration in 0..<6000 {
            var bytes = seeds[iteration % seeds.count]
            switch random.below(3) {
            case 0:
                for _ in 0..<(1 + random.below(4)) where !bytes.isEmpty {
                    bytes[random.below(bytes.count)] ^= UInt8(1 + random.below(255))
                }
            case 1:
                bytes = Array(bytes.prefix(random.below(bytes.count)))
            default:
                let at = random.below(bytes.count)
                bytes[at...].withUnsafeMutableBufferPointer { buffer in
                    for index in buffer.indices.prefix(8) { buffer[index] = UInt8(truncatingIfNeeded: random.next()) }
                }
            }
            let file = scanner.scan(ScanInput(bytes: bytes, path: "fuzz"), name: "fuzz.bin", modelFolder: nil)
            if file.findings.contains(where: { $0.verdict == .malformed }) {
                #expect(file.verdict != .safe, "iteration \(iteration)")
            }
            #expect(file.verdict == file.findings.worstVerdict)
        }
    }
}
