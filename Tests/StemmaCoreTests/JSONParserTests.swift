import StemmaCore
import Testing

@Suite struct JSONParserTests {
    private func parse(_ text: String, limits: JSONLimits = .standard) throws(StemmaError) -> JSONValue {
        try JSONParser.parse(Array(text.utf8), limits: limits, source: "test.json")
    }

    @Test func parsesNestedDocumentKeepingOrderAndNumberText() throws {
        let value = try parse(#"{"b": [1, 2.50, -3e2], "a": {"x": null, "y": true}, "s": "caf\u00e9 \ud83d\ude00"}"#)
        #expect(value.objectValue?.map(\.0) == ["b", "a", "s"])
        #expect(value["b"] == .array([.number("1"), .number("2.50"), .number("-3e2")]))
        #expect(value["a"]?["y"] == .bool(true))
        #expect(value["s"]?.stringValue == "café 😀")
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "\"unterminated", "{\"a\" 1}", "nul", "[1] 2",
        "\"\\ud800\"", "\"\\x41\"", "\"tab\there\"", "{\"a\":1,\"a\":2}", "+1", ".5",
    ])
    func refusesMalformedJSON(_ text: String) {
        #expect(throws: StemmaError.self) { try parse(text) }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: StemmaError.self) {
            try JSONParser.parse([0x22, 0xC3, 0x28, 0x22], source: "bad.json")
        }
    }

    @Test func errorNamesTheFileAndOffset() {
        do {
            _ = try parse("{\"a\": tru}")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("test.json"))
            #expect(error.message.contains("byte"))
            #expect(error.code == .malformedInput)
        }
    }

    @Test func enforcesDepthSizeAndCountLimits() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: StemmaError.self) {
            try parse(deep, limits: JSONLimits(maxBytes: 1000, maxDepth: 64, maxValues: 1000))
        }
        #expect(throws: StemmaError.self) {
            try parse("[1,2,3]", limits: JSONLimits(maxBytes: 3, maxDepth: 8, maxValues: 100))
        }
        #expect(throws: StemmaError.self) {
            try parse("[1,2,3]", limits: JSONLimits(maxBytes: 100, maxDepth: 8, maxValues: 3))
        }
        #expect((try? parse(deep, limits: JSONLimits(maxBytes: 1000, maxDepth: 100, maxValues: 1000))) != nil)
    }

    @Test(arguments: [("65536", UInt64(65536)), ("65536.0", 65536), ("1000000000.0", 1_000_000_000), ("0", 0)])
    func exactIntegersAcceptWholeDoubles(_ text: String, _ expected: UInt64) throws {
        #expect(try parse(text).exactUInt64 == expected)
    }

    @Test(arguments: ["1.5", "-1", "1e3", "18446744073709551616"])
    func exactIntegersRefuseOtherNumbers(_ text: String) throws {
        #expect(try parse(text).exactUInt64 == nil)
    }

    @Test func writerRoundTripsAndSortsKeys() throws {
        let value = try parse(#"{"z": "line\nbreak \"q\" \\ /", "a": [true, false, null, 1.0]}"#)
        let compact = JSONWriter().string(value)
        #expect(compact == #"{"z":"line\nbreak \"q\" \\ /","a":[true,false,null,1.0]}"#)
        #expect(try parse(compact) == value)
        #expect(JSONWriter(sortKeys: true).string(value).hasPrefix(#"{"a":"#))
    }
}
