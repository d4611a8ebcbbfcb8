import StemmaCore
import Testing

@Suite struct EncodingTests {
    @Test(arguments: [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")])
    func base64MatchesRFC4648Vectors(_ plain: String, _ encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg=", "Z===", "Zm9v\n", "Zm9v!", "=Zm9", "Zg==Zg=="])
    func base64RefusesMalformedText(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func base64AcceptsMissingPadding() {
        #expect(Base64.decode("Zg") == Array("f".utf8))
    }

    @Test func hexRoundTripsAndRefusesOddOrNonHex() {
        #expect(Hex.encode([0x00, 0xAB, 0xFF]) == "00abff")
        #expect(Hex.decode("00ABff") == [0x00, 0xAB, 0xFF])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test func byteCountsReadWell() {
        #expect(ByteCount.describe(512) == "512 B")
        #expect(ByteCount.describe(1536) == "1.5 KiB")
        #expect(ByteCount.describe(2 << 30) == "2.0 GiB")
    }
}
