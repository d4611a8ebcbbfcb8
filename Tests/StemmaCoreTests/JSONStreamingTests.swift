import StemmaCore
import Testing

/// `JSONParser.parseMembers` hands out a top-level object member by member and streamed arrays element by element,
/// exactly as strictly as `parse`.
@Suite struct JSONStreamingTests {
    private func stream(_ text: String, streaming: Set<String> = ["items"]) throws(StemmaError) -> (
        members: [(String, JSONValue)], elements: [(String, JSONValue)]
    ) {
        var members: [(String, JSONValue)] = []
        var elements: [(String, JSONValue)] = []
        try JSONParser.parseMembers(
            Array(text.utf8), source: "t", streaming: streaming, member: { members.append(($0, $1)) },
            element: { elements.append(($0, $1)) })
        return (members, elements)
    }

    @Test func membersAndElementsArriveInDocumentOrder() throws {
        let (members, elements) = try stream(#" {"a": 1, "items": [{"x": [1]}, "s", null], "b": {"c": true}} "#)
        #expect(members.map(\.0) == ["a", "b"])
        #expect(members[1].1 == .object([("c", .bool(true))]))
        #expect(elements.map(\.0) == ["items", "items", "items"])
        #expect(elements.map(\.1) == [.object([("x", .array([.integer(1)]))]), .string("s"), .null])
        // A streamed key whose value is not an array is an ordinary member.
        #expect(try stream(#"{"items": {"k": 1}}"#).members.map(\.0) == ["items"])
        #expect(try stream("{}").members.isEmpty)
        #expect(try stream(#"{"items": []}"#).elements.isEmpty)
    }

    @Test func everythingParseRefusesIsRefused() {
        let bad = [
            #"{"a": 1, "a": 2}"#, #"{"items": [1, 2,]}"#, #"{"items": [1] "b": 2}"#, #"{"a": 1} x"#,
            #"{"items": [01]}"#, #"{"items": ["\ud800"]}"#, #"{"items": [1, 2"#, "",
        ]
        for text in bad {
            #expect(throws: StemmaError.self, "\(text)") { try stream(text) }
            #expect(throws: StemmaError.self, "\(text)") { try JSONParser.parse(Array(text.utf8), source: "t") }
        }
    }

    @Test func aTopLevelValueThatIsNotAnObjectIsRefused() {
        #expect(throws: StemmaError.self) { try stream("[1]") }
        #expect(throws: StemmaError.self) { try stream(#""items""#) }
    }

    @Test func theLimitsCoverStreamedElements() {
        let limits = JSONLimits(maxBytes: 1 << 20, maxDepth: 3, maxValues: 10)
        let many = "{\"items\": [" + (0..<20).map(String.init).joined(separator: ",") + "]}"
        #expect(throws: StemmaError.self) {
            try JSONParser.parseMembers(
                Array(many.utf8), limits: limits, source: "t", streaming: ["items"], member: { _, _ in },
                element: { _, _ in })
        }
        // Depth as in `parse`: the object is 1, a streamed array 2, an element object 3, anything deeper too deep.
        let deep = #"{"items": [{"a": {"b": 1}}]}"#
        #expect(throws: StemmaError.self) { try JSONParser.parse(Array(deep.utf8), limits: limits, source: "t") }
        #expect(throws: StemmaError.self) {
            try JSONParser.parseMembers(
                Array(deep.utf8), limits: limits, source: "t", streaming: ["items"], member: { _, _ in },
                element: { _, _ in })
        }
        let fits = #"{"items": [{"a": 1}]}"#
        #expect((try? JSONParser.parse(Array(fits.utf8), limits: limits, source: "t")) != nil)
        #expect(
            (try? JSONParser.parseMembers(
                Array(fits.utf8), limits: limits, source: "t", streaming: ["items"], member: { _, _ in },
                element: { _, _ in })) != nil)
    }
}
