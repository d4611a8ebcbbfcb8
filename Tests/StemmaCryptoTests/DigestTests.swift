import StemmaCore
import StemmaCrypto
import StemmaTestSupport
import Testing

@Suite struct DigestTests {
    @Test func knownAnswers() throws {
        #expect(try Digest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            try Digest.sha256Hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// Streams a multi-chunk file through DigestContext and compares with `openssl dgst`, an independent tool.
    @Test(arguments: [DigestAlgorithm.sha256, .sha384, .sha512, .blake2b])
    func streamingMatchesOpenSSLCommandLine(_ algorithm: DigestAlgorithm) throws {
        let folder = try TemporaryFolder()
        // Random 64-bit words cut to size: one generator call per 8 bytes, not one `random(in:)` (and one
        // getrandom call) per byte, which took 3-4 CPU-seconds per algorithm in a debug build.
        var generator = SystemRandomNumberGenerator()
        let count = (3 << 20) + 17
        let words = (0..<(count + 7) / 8).map { _ in generator.next() }
        let bytes = words.withUnsafeBytes { Array($0.prefix(count)) }
        let path = try folder.write("data.bin", bytes)
        var context = try DigestContext(algorithm)
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + 65_537, bytes.count)
            context.update(Array(bytes[offset..<end]))
            offset = end
        }
        let ours = Hex.encode(context.finalize())
        let name = algorithm == .blake2b ? "-blake2b512" : "-\(algorithm.rawValue)"
        let output = try Command.succeed("openssl", ["dgst", name, "-r", path])
        #expect(output.split(separator: " ").first.map(String.init) == ours)
        #expect(ours.count == algorithm.byteCount * 2)
    }

    @Test func finalizeResetsForTheNextInput() throws {
        var context = try DigestContext(.sha256)
        context.update(Array("first".utf8))
        _ = context.finalize()
        context.update(Array("abc".utf8))
        #expect(Hex.encode(context.finalize()) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func paeMatchesTheDSSESpecification() {
        let pae = DSSE.preAuthenticationEncoding(
            payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
    }
}
