import Foundation
import StemmaCore
import StemmaInventory
import Testing

/// Documents TOML 1.0 forbids, and hostile ones: each is refused with the line of the problem, none crashes.
@Suite struct TOMLParserErrorTests {
    /// An invalid document, the line its error names, and a phrase the reason contains.
    struct Invalid: CustomTestStringConvertible, Sendable {
        let text: String
        let line: Int
        let reason: String
        var testDescription: String { reason + ": " + text.prefix(40).replacingOccurrences(of: "\n", with: "⏎") }
    }

    static let invalid: [Invalid] = [
        Invalid(text: "a = 1\na = 2", line: 2, reason: "key 'a' is defined twice"),
        Invalid(text: "a = 1\n\"a\" = 2", line: 2, reason: "key 'a' is defined twice"),
        Invalid(text: "[t]\nb.c = 1\nb.c = 2", line: 3, reason: "key 'b.c' is defined twice"),
        Invalid(text: "[a]\nx = 1\n[a]", line: 3, reason: "table 'a' is defined twice"),
        Invalid(text: "[fruit]\napple.color = 'red'\n[fruit.apple]", line: 3, reason: "defined twice"),
        Invalid(text: "[a.b.c]\nz = 9\n[a]\nb.c.t = 1", line: 4, reason: "a dotted key cannot extend it"),
        Invalid(text: "a.b = 1\n[x]\n[a]\n", line: 3, reason: "table 'a' is defined twice"),
        Invalid(text: "[[a]]\n[a]", line: 2, reason: "table 'a' is defined twice"),
        Invalid(text: "[a]\n[[a]]", line: 2, reason: "cannot be an array of tables"),
        Invalid(text: "a = [1]\n[[a]]", line: 2, reason: "cannot be an array of tables"),
        Invalid(text: "a = {b = 1}\n[a]", line: 2, reason: "table 'a' is defined twice"),
        Invalid(text: "a = {b = 1}\na.c = 2", line: 2, reason: "a dotted key cannot extend it"),
        Invalid(text: "a = {b = 1, b = 2}", line: 1, reason: "key 'b' is defined twice"),
        Invalid(text: "a = 1\n[a.b]", line: 2, reason: "already a value"),
        Invalid(text: "a = \"abc\nb = 1", line: 1, reason: "the string starting on line 1 is not closed"),
        Invalid(text: "\n\na = \"\"\"abc\n\n", line: 5, reason: "the string starting on line 3 is not closed"),
        Invalid(text: "a = 'abc", line: 1, reason: "not closed"),
        Invalid(text: "a = '''abc\n", line: 2, reason: "not closed"),
        Invalid(text: "a = \"\"\"x\"\"\"\"\"\"", line: 1, reason: "too many quotes"),
        Invalid(text: #"a = "\q""#, line: 1, reason: "invalid escape"),
        Invalid(text: #"a = "\uD800""#, line: 1, reason: "not a Unicode scalar value"),
        Invalid(text: #"a = "\u00G1""#, line: 1, reason: "not a Unicode scalar value"),
        Invalid(text: #"a = "\u12""#, line: 1, reason: "needs 4 hex digits"),
        Invalid(text: "a = \"x \\  y\"", line: 1, reason: "invalid escape"),
        Invalid(text: "a = \"bell\u{07}\"", line: 1, reason: "control character U+0007"),
        Invalid(text: "a = 1 # del\u{7F}", line: 1, reason: "in a comment"),
        Invalid(text: "a = 012", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 1__0", line: 1, reason: "not a valid value"),
        Invalid(text: "a = _1", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 1_", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 0x", line: 1, reason: "not a valid value"),
        Invalid(text: "a = +0x10", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 0b102", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 9223372036854775808", line: 1, reason: "does not fit in 64 bits"),
        Invalid(text: "a = 0x8000000000000000", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 1.", line: 1, reason: "not a valid value"),
        Invalid(text: "a = .5", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 1e", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 01.5", line: 1, reason: "not a valid value"),
        Invalid(text: "a = 1979-13-01", line: 1, reason: "not a valid date or time"),
        Invalid(text: "a = 1979-02-29", line: 1, reason: "not a valid date or time"),
        Invalid(text: "a = 24:00:00", line: 1, reason: "not a valid date or time"),
        Invalid(text: "a = 1979-05-27T07:32", line: 1, reason: "not a valid date or time"),
        Invalid(text: "a = 1979-05-27T07:32:00+25:00", line: 1, reason: "not a valid date or time"),
        Invalid(text: "a = yes", line: 1, reason: "'yes' is not a valid value"),
        Invalid(text: "a = truely", line: 1, reason: "bare words"),
        Invalid(text: "a =", line: 1, reason: "expected a value"),
        Invalid(text: "a = \n", line: 1, reason: "expected a value"),
        Invalid(text: "a 1", line: 1, reason: "expected '='"),
        Invalid(text: "= 1", line: 1, reason: "expected a key"),
        Invalid(text: "a.= 1", line: 1, reason: "expected a key"),
        Invalid(text: "a = 1 b = 2", line: 1, reason: "expected the end of the line"),
        Invalid(text: "a = {b = 1,\nc = 2}", line: 1, reason: "expected a key"),
        Invalid(text: "a = {b = 1,}", line: 1, reason: "expected a key"),
        Invalid(text: "a = {b = 1", line: 1, reason: "an inline table is not closed"),
        Invalid(text: "a = [1 2]", line: 1, reason: "expected ',' or ']'"),
        Invalid(text: "a = [1,,2]", line: 1, reason: "expected a value"),
        Invalid(text: "a = [\n1,\n", line: 3, reason: "expected a value"),
        Invalid(text: "[a", line: 1, reason: "expected ']'"),
        Invalid(text: "[[a]", line: 1, reason: "expected ']]'"),
        Invalid(text: "[]", line: 1, reason: "expected a key"),
        Invalid(text: "[a] b = 1", line: 1, reason: "expected the end of the line"),
        Invalid(text: "a = 1\rb = 2", line: 1, reason: "carriage return"),
    ]

    @Test(arguments: invalid) func refuses(_ invalid: Invalid) throws {
        let error = try #require(throws: StemmaError.self) {
            try TOMLParser.parse(Array(invalid.text.utf8), source: "bad.toml")
        }
        #expect(error.code == .malformedInput)
        #expect(error.message.hasPrefix("'bad.toml' is not valid TOML: "))
        #expect(error.message.contains(invalid.reason), "\(error.message)")
        #expect(error.message.hasSuffix("(line \(invalid.line))"), "\(error.message)")
    }

    @Test func refusesInvalidUTF8() throws {
        let inString = Array("a = \"".utf8) + [0xC3, 0x28] + Array("\"".utf8)
        let error = try #require(throws: StemmaError.self) { try TOMLParser.parse(inString, source: "bad.toml") }
        #expect(error.message.contains("invalid UTF-8 in a string"))
        let bareByte = Array("a = ".utf8) + [0xFF]
        #expect(throws: StemmaError.self) { try TOMLParser.parse(bareByte, source: "bad.toml") }
        let inComment = Array("# ".utf8) + [0xFF]
        #expect(throws: StemmaError.self) { try TOMLParser.parse(inComment, source: "bad.toml") }
    }

    @Test func refusesDeepNesting() throws {
        let arrays = "a = " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        let tables = "a = " + String(repeating: "{b = ", count: 100) + "1" + String(repeating: "}", count: 100)
        let header = "[" + Array(repeating: "k", count: 100).joined(separator: ".") + "]"
        let dotted = Array(repeating: "k", count: 100).joined(separator: ".") + " = 1"
        let deepUnderHeader =
            "[" + Array(repeating: "k", count: 40).joined(separator: ".") + "]\n"
            + Array(repeating: "j", count: 30).joined(separator: ".") + " = 1"
        for text in [arrays, tables, header, dotted, deepUnderHeader] {
            let error = try #require(throws: StemmaError.self) { try TOMLParser.parse(Array(text.utf8), source: "d") }
            #expect(error.code == .limitExceeded)
            #expect(error.message.contains("nesting deeper than 64"))
        }
        let fine = "a = " + String(repeating: "[", count: 60) + String(repeating: "]", count: 60)
        #expect(throws: Never.self) { try TOMLParser.parse(Array(fine.utf8), source: "d") }
    }

    @Test func refusesTooManyValuesAndTooManyBytes() throws {
        let limits = TOMLLimits(maxBytes: 1000, maxDepth: 64, maxValues: 10)
        let many = "a = [" + Array(repeating: "1", count: 20).joined(separator: ",") + "]"
        let error = try #require(throws: StemmaError.self) {
            try TOMLParser.parse(Array(many.utf8), limits: limits, source: "m")
        }
        #expect(error.code == .limitExceeded)
        #expect(error.message.contains("more than 10 values"))
        let tables = (1...20).map { "[[p]]\nname = \"\($0)\"" }.joined(separator: "\n")
        #expect(throws: StemmaError.self) { try TOMLParser.parse(Array(tables.utf8), limits: limits, source: "m") }
        let large = [UInt8](repeating: 0x20, count: 1001)
        let sizeError = try #require(throws: StemmaError.self) {
            try TOMLParser.parse(large, limits: limits, source: "big.toml")
        }
        #expect(sizeError.code == .limitExceeded)
        #expect(sizeError.message == "'big.toml' is 1001 bytes; the limit is 1000")
    }

    /// Random bytes and every truncation of a real lockfile: each parses or throws, and nothing traps.
    @Test func survivesHostileBytes() throws {
        var generator = SplitMix64(seed: 0x5EED)
        let alphabet = Array("[]{}=\"'.,#\n\r\t \\u0123456789abcdefxobnaiT:-+_ZtruefalsE".utf8) + [0x00, 0xFF, 0xC3]
        for _ in 0..<2000 {
            let length = Int(generator.next() % 80)
            let bytes = (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            _ = try? TOMLParser.parse(bytes, source: "fuzz")
        }
        let uvLock = try LockfileFixture.bytes("lock.uv.lock")
        for end in 0...uvLock.count { _ = try? TOMLParser.parse(Array(uvLock[..<end]), source: "cut") }
        #expect(throws: Never.self) { try TOMLParser.parse(uvLock, source: "whole") }
    }
}

/// A small deterministic generator, so a failing fuzz case repeats.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
