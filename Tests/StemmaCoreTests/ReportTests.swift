import StemmaCore
import Testing

@Suite struct ReportTests {
    private func report(findings: [Finding], signed: Bool) -> VerifyReport {
        var report = VerifyReport(model: "m", signature: "m/model.sig")
        if signed {
            report.signer = SignerIdentity(
                method: "public-key", name: "k.pub", keyFingerprint: String(repeating: "a", count: 64))
        }
        report.add(contentsOf: findings)
        return report
    }

    @Test func verdictFailsClosedWithoutASigner() {
        #expect(report(findings: [], signed: false).verdict == .failed)
        #expect(report(findings: [], signed: true).verdict == .verified)
    }

    @Test func warningsDoNotFailButErrorsDo() {
        #expect(report(findings: [Finding(.unlistedEmptyFile, "w")], signed: true).verdict == .verified)
        #expect(report(findings: [Finding(.digestMismatch, "e", path: "a")], signed: true).verdict == .failed)
    }

    @Test func jsonCarriesCodesAndCounts() throws {
        let value = report(findings: [Finding(.missingFile, "gone", path: "x.bin")], signed: true).jsonValue()
        #expect(value["verdict"] == .string("failed"))
        #expect(value["findings"]?.arrayValue?.first?["code"] == .string("integrity.missing-file"))
        #expect(value["counts"]?["findings"] == .number("1"))
        let text = JSONWriter().string(value)
        #expect((try? JSONParser.parse(Array(text.utf8), source: "report")) != nil)
    }

    @Test func sarifHasOneRulePerCodeAndFileLocations() {
        let findings = [
            Finding(.digestMismatch, "a", path: "w/a.bin"), Finding(.digestMismatch, "b", path: "w/b.bin"),
            Finding(.keyMismatch, "k"),
        ]
        let sarif = report(findings: findings, signed: true).sarifValue()
        #expect(sarif["version"] == .string("2.1.0"))
        let run = sarif["runs"]?.arrayValue?.first
        #expect(run?["tool"]?["driver"]?["rules"]?.arrayValue?.count == 2)
        let uris = run?["results"]?.arrayValue?.compactMap {
            $0["locations"]?.arrayValue?.first?["physicalLocation"]?["artifactLocation"]?["uri"]?.stringValue
        }
        #expect(uris == ["m/w/a.bin", "m/w/b.bin", "m/model.sig"])
    }

    @Test func everyFindingCodeIsDottedAndUnique() {
        let codes = FindingCode.all.map(\.rawValue)
        #expect(Set(codes).count == codes.count)
        for code in codes { #expect(code.split(separator: ".").count == 2) }
    }
}
