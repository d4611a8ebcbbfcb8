import StemmaCore
import StemmaInventory
import Testing

/// Valid TOML 1.0 documents, parsed to the values the specification gives.
@Suite struct TOMLParserTests {
    static func parse(_ text: String) throws -> TOMLTable {
        try TOMLParser.parse(Array(text.utf8), source: "test.toml")
    }

    @Test func readsTheScalarForms() throws {
        let document = try Self.parse(
            #"""
            # a comment
            basic = "tab\there \"quoted\" \\ caf\u00e9 \U0001F600"
            literal = 'C:\Users\nodejs\templates'
            empty = ""
            decimal = +1_000
            negative = -17
            zero = 0
            hex = 0xDEAD_beef
            octal = 0o755
            binary = 0b1101_0110
            largest = 9223372036854775807
            smallest = -9223372036854775808
            pi = 3.1415
            exponent = 5e+22
            small = -6.626e-34
            underscores = 224_617.445_991_228
            infinity = -inf
            notANumber = nan
            yes = true
            no = false   # trailing comment
            odt = 1979-05-27T07:32:00Z
            odtSpace = 1979-05-27 00:32:00.999999-07:00
            ldt = 1979-05-27T07:32:00
            leap = 2024-02-29
            lt = 00:32:00.999999
            """#)
        #expect(document["basic"] == .string("tab\there \"quoted\" \\ café 😀"))
        #expect(document["literal"] == .string(#"C:\Users\nodejs\templates"#))
        #expect(document["empty"] == .string(""))
        #expect(document["decimal"] == .integer(1000))
        #expect(document["negative"] == .integer(-17))
        #expect(document["zero"] == .integer(0))
        #expect(document["hex"] == .integer(0xDEAD_BEEF))
        #expect(document["octal"] == .integer(0o755))
        #expect(document["binary"] == .integer(0b1101_0110))
        #expect(document["largest"] == .integer(.max))
        #expect(document["smallest"] == .integer(.min))
        #expect(document["pi"] == .float(3.1415))
        #expect(document["exponent"] == .float(5e22))
        #expect(document["small"] == .float(-6.626e-34))
        #expect(document["underscores"] == .float(224617.445991228))
        #expect(document["infinity"] == .float(-.infinity))
        if case .float(let value)? = document["notANumber"] { #expect(value.isNaN) } else { Issue.record("nan") }
        #expect(document["yes"] == .boolean(true))
        #expect(document["no"] == .boolean(false))
        #expect(document["odt"] == .dateTime("1979-05-27T07:32:00Z"))
        #expect(document["odtSpace"] == .dateTime("1979-05-27 00:32:00.999999-07:00"))
        #expect(document["ldt"] == .dateTime("1979-05-27T07:32:00"))
        #expect(document["leap"] == .dateTime("2024-02-29"))
        #expect(document["lt"] == .dateTime("00:32:00.999999"))
        #expect(document.keys.first == "basic")
        #expect(document.count == 24)
    }

    @Test func readsMultiLineStrings() throws {
        let document = try Self.parse(
            #"""
            trimmed = """
            Roses are red
            Violets are blue"""
            folded = """\
                   The quick brown \
                   fox jumps over \
                   the lazy dog.\
                   """
            quotes = """Here are two quotation marks: "". Simple enough."""
            edge = """"This," she said, "is just a pointless statement.""""
            literal = '''
            The first newline is
            trimmed in raw strings.
               All other whitespace
               is preserved. \n
            '''
            apostrophes = '''That's still pointless', she said.'''
            """#)
        #expect(document["trimmed"] == .string("Roses are red\nViolets are blue"))
        #expect(document["folded"] == .string("The quick brown fox jumps over the lazy dog."))
        #expect(document["quotes"] == .string(#"Here are two quotation marks: "". Simple enough."#))
        #expect(document["edge"] == .string(#""This," she said, "is just a pointless statement.""#))
        #expect(
            document["literal"]
                == .string(
                    "The first newline is\ntrimmed in raw strings.\n   All other whitespace\n   is preserved. \\n\n"))
        #expect(document["apostrophes"] == .string("That's still pointless', she said."))
    }

    @Test func readsTablesArraysOfTablesAndDottedKeys() throws {
        let document = try Self.parse(
            """
            title = "lock"
            site."google.com" = true
            physical.color = "orange"
            physical.shape = "round"

            [dog."tater.man"]
            type.name = "pug"

            [x.y.z.w] # implicit parents
            [x]       # and then defined once
            a = 1

            [fruit]
            apple.color = "red"
            [fruit.apple.texture]  # a sub-table of a dotted table is allowed
            smooth = true

            [[fruits]]
            name = "apple"
            [fruits.physical]
            color = "red"
            [[fruits.varieties]]
            name = "red delicious"
            [[fruits.varieties]]
            name = "granny smith"

            [[fruits]]
            name = "banana"
            [[fruits.varieties]]
            name = "plantain"
            """)
        #expect(document["title"] == .string("lock"))
        #expect(document["site"]?["google.com"] == .boolean(true))
        #expect(document["physical"]?["shape"] == .string("round"))
        #expect(document["dog"]?["tater.man"]?["type"]?["name"] == .string("pug"))
        #expect(document["x"]?["a"] == .integer(1))
        #expect(document["x"]?["y"]?["z"]?["w"] == .table(TOMLTable()))
        #expect(document["fruit"]?["apple"]?["color"] == .string("red"))
        #expect(document["fruit"]?["apple"]?["texture"]?["smooth"] == .boolean(true))
        let fruits = try #require(document["fruits"]?.arrayValue)
        #expect(fruits.count == 2)
        #expect(fruits[0]["physical"]?["color"] == .string("red"))
        #expect(fruits[0]["varieties"]?.arrayValue?.count == 2)
        #expect(fruits[0]["varieties"]?.arrayValue?[1]["name"] == .string("granny smith"))
        #expect(fruits[1]["varieties"]?.arrayValue?.map { $0["name"] } == [.string("plantain")])
        #expect(document.keys == ["title", "site", "physical", "dog", "x", "fruit", "fruits"])
    }

    @Test func readsArraysAndInlineTables() throws {
        let document = try Self.parse(
            """
            integers = [ 1, 2, 3 ]
            nested = [ [ 1, 2 ], ["a", 'b'] ]
            mixed = [ 0.1, "x", { a = 1 } ]
            multi = [
              "first",  # comment
              # a comment line
              "second",
            ]
            empty = [ ]
            point = { x = 1, y.z = 2, "quoted key" = "v" }
            none = {}
            wheels = [
                { url = "https://example/a.whl", hash = "sha256:00", size = 25335 },
            ]
            """)
        #expect(document["integers"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(
            document["nested"]
                == .array([.array([.integer(1), .integer(2)]), .array([.string("a"), .string("b")])]))
        #expect(document["mixed"]?.arrayValue?[2]["a"] == .integer(1))
        #expect(document["multi"] == .array([.string("first"), .string("second")]))
        #expect(document["empty"] == .array([]))
        #expect(document["point"]?["y"]?["z"] == .integer(2))
        #expect(document["point"]?["quoted key"] == .string("v"))
        #expect(document["none"] == .table(TOMLTable()))
        #expect(document["wheels"]?.arrayValue?.first?["size"]?.integerValue == 25335)
    }

    @Test func acceptsCRLFEmptyAndCommentOnlyDocuments() throws {
        #expect(try Self.parse("a = 1\r\nb = \"\"\"x\r\ny\"\"\"\r\n")["b"] == .string("x\ny"))
        #expect(try Self.parse("").isEmpty)
        #expect(try Self.parse("# only a comment\n\n   \t\n").isEmpty)
        #expect(try Self.parse("a = 1")["a"] == .integer(1))
    }

    @Test func reportsLineNumbersAfterMultiLineValues() throws {
        let text = "a = \"\"\"\none\ntwo\n\"\"\"\nb = [\n1,\n]\nc = 1\nc = 2\n"
        let error = try #require(throws: StemmaError.self) { try Self.parse(text) }
        #expect(error.code == .malformedInput)
        #expect(error.message == "'test.toml' is not valid TOML: key 'c' is defined twice (line 9)")
    }
}
