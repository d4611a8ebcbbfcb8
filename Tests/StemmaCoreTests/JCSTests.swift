import StemmaCore
import Testing

/// RFC 8785 vectors, written out from the RFC's examples (§3.2.2, §3.2.3, Appendix B).
@Suite struct JCSTests {
    private func canonical(_ json: String) throws -> String {
        String(decoding: try JCS.canonical(try JSONParser.parse(Array(json.utf8), source: "t")), as: UTF8.self)
    }

    @Test func rfc8785Section322Example() throws {
        let input = #"""
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        #expect(
            try canonical(input)
                == #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"#
                + #""string":"€$\u000f\nA'B\"\\\\\"/"}"#)
    }

    @Test func rfc8785Section323SortsByUTF16CodeUnits() throws {
        let input = #"""
            {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
             "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
             "\u00f6": "Latin Small Letter O With Diaeresis"}
            """#
        let expected =
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\","
            + "\"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\","
            + "\"\u{1F600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(try canonical(input) == expected)
    }

    /// Appendix B: IEEE 754 bit patterns and their canonical text.
    @Test(
        arguments: [
            (0x0000_0000_0000_0000, "0"), (0x8000_0000_0000_0000, "0"), (0x0000_0000_0000_0001, "5e-324"),
            (0x8000_0000_0000_0001, "-5e-324"), (0x7fef_ffff_ffff_ffff, "1.7976931348623157e+308"),
            (0xffef_ffff_ffff_ffff, "-1.7976931348623157e+308"), (0x4340_0000_0000_0000, "9007199254740992"),
            (0xc340_0000_0000_0000, "-9007199254740992"), (0x4430_0000_0000_0000, "295147905179352830000"),
            (0x44b5_2d02_c7e1_4af5, "9.999999999999997e+22"), (0x44b5_2d02_c7e1_4af6, "1e+23"),
            (0x44b5_2d02_c7e1_4af7, "1.0000000000000001e+23"), (0x444b_1ae4_d6e2_ef4e, "999999999999999700000"),
            (0x444b_1ae4_d6e2_ef4f, "999999999999999900000"), (0x444b_1ae4_d6e2_ef50, "1e+21"),
            (0x3eb0_c6f7_a0b5_ed8c, "9.999999999999997e-7"), (0x3eb0_c6f7_a0b5_ed8d, "0.000001"),
            (0x41b3_de43_5555_5553, "333333333.3333332"), (0x41b3_de43_5555_5554, "333333333.33333325"),
            (0x41b3_de43_5555_5555, "333333333.3333333"), (0x41b3_de43_5555_5556, "333333333.3333334"),
            (0x41b3_de43_5555_5557, "333333333.33333343"), (0xbecb_f647_612f_3696, "-0.0000033333333333333333"),
            (0x4314_3ff3_c1cb_0959, "1424953923781206.2"),
        ] as [(UInt64, String)])
    func appendixBNumbers(bits: UInt64, expected: String) {
        #expect(JCSNumber.format(Double(bitPattern: bits)) == expected)
    }

    @Test func numberTextIsReadAsADoubleAndNonFiniteIsRefused() throws {
        #expect(JCSNumber.format("1.0") == "1")
        #expect(JCSNumber.format("-0.0") == "0")
        #expect(JCSNumber.format("1E2") == "100")
        #expect(JCSNumber.format("9007199254740993") == "9007199254740992")  // rounded as a double, per RFC 8785
        #expect(JCSNumber.format("1e400") == nil)
        #expect(throws: StemmaError.self) { try canonical(#"{"n": -1e400}"#) }
    }

    @Test func base64URLRoundTripsAndRefusesTheStandardAlphabet() {
        #expect(Base64URL.encode([0xfb, 0xff, 0x01]) == "-_8B")
        #expect(Base64URL.decode("-_8B") == [0xfb, 0xff, 0x01])
        #expect(Base64URL.decode("+/8B") == nil)
        #expect(Base64URL.decode("-_8=") == nil)
    }
}
