import StemmaCore
import StemmaModelHeaders
import StemmaScan
import Testing

/// `stemma scan` and the inventory read GGUF metadata with one parser (`GGUFMetadataReader`), so they accept and
/// refuse the same headers: what one calls malformed the other cannot read as valid lineage, and a bound is a
/// bound in both (issue 11: "so the two cannot drift").
@Suite struct GGUFSharedParserTests {
    private func scan(_ bytes: [UInt8]) -> [ScanFinding] { GGUFCheck.check(ScanInput(bytes: bytes, path: "m.gguf")) }

    private func header(_ bytes: [UInt8]) -> Result<GGUFHeader, GGUFHeader.Failure> {
        Result { () throws(GGUFHeader.Failure) in try GGUFHeader.parse(bytes) }
    }

    @Test func aWholeTokenizerJSONStringIsSkippedByBoth() throws {
        // GGUF may embed `tokenizer.huggingface.json` whole (megabytes); the inventory used to refuse any string
        // over 1 MiB, skipped or not, so such a file's lineage was lost while scan called it safe.
        var builder = GGUFBuilder()
        builder.values.append(("general.name", .string("Big Tokenizer")))
        builder.values.append(("tokenizer.huggingface.json", .string(String(repeating: "t", count: 5 << 20))))
        let bytes = builder.bytes()
        #expect(scan(bytes).worstVerdict == .safe)
        let parsed = try header(bytes).get()
        #expect(parsed.metadata["general.name"] == .string("Big Tokenizer"))
        #expect(parsed.metadata["tokenizer.huggingface.json"] == nil)
    }

    @Test func duplicateKeysAndBadAlignmentAreMalformedInBoth() {
        var duplicate = GGUFBuilder()
        duplicate.values.append(("general.architecture", .string("again")))
        var alignment = GGUFBuilder()
        alignment.values.append(("general.alignment", .u32(48)))
        for bytes in [duplicate.bytes(), alignment.bytes()] {
            #expect(scan(bytes).codes.contains("scan.malformed"))
            guard case .failure(.malformed) = header(bytes) else {
                Issue.record("the inventory's header parser accepted what scan calls malformed")
                continue
            }
        }
    }

    @Test func aTemplateOverTheStringBoundIsIncompleteAndAKeptStringOverItIsALimit() {
        var template = GGUFBuilder()
        template.values.append(
            ("tokenizer.chat_template", .string(String(repeating: "x", count: GGUFHeader.maxStringBytes + 1))))
        #expect(scan(template.bytes()).codes == ["scan.incomplete"])
        var name = GGUFBuilder()
        name.values.append(("general.name", .string(String(repeating: "x", count: GGUFHeader.maxStringBytes + 1))))
        guard case .failure(.limit(let reason)) = header(name.bytes()) else {
            Issue.record("a kept string over the bound was not a limit")
            return
        }
        #expect(reason.contains("\(GGUFHeader.maxStringBytes)"))
    }

    @Test func templatesInsideTheSharedParserKeepTheirOffsets() throws {
        var builder = GGUFBuilder()
        builder.values.append(("tokenizer.chat_template", .string("ok {{ cycler.__init__.__globals__ }}")))
        let bytes = builder.bytes()
        let finding = try #require(scan(bytes).first { $0.code.rawValue == "scan.gguf-chat-template" })
        let offset = try #require(finding.evidence.offset)
        // The evidence names the construct (`KEY: `TOKEN` in …`); the offset points at it in the file.
        let token = try #require(finding.evidence.detail?.split(separator: "`").dropFirst().first)
        #expect(bytes[offset...].starts(with: Array(token.utf8)), "\(token) at \(offset)")
    }
}
