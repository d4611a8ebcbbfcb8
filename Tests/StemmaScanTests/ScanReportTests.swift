import StemmaCore
import StemmaScan
import Testing

@Suite struct ScanReportTests {
    static let dangerous = ScanFinding(
        .scanMalformed, .dangerous, "calls os.system",
        evidence: ScanEvidence(
            member: ["archive/data.pkl"], pickleIndex: 0, offset: 17, opcode: "REDUCE", global: "os.system",
            spelledAs: "posix.system", called: true))

    @Test func fileVerdictIsTheWorstFindingAndExitCodeFollowsIt() {
        let safe = ScannedFile(path: "a.safetensors", format: "safetensors", findings: [])
        #expect(ScanReport(files: [safe]).exitCode == 0)
        let broken = ScannedFile(
            path: "m.pt", format: "pytorch-zip",
            findings: [ScanFinding(.scanMalformed, .malformed, "truncated"), Self.dangerous])
        #expect(broken.verdict == .dangerous)
        let report = ScanReport(files: [safe, broken])
        #expect(report.verdict == .dangerous)
        #expect(report.exitCode == 1)
        #expect(
            ScanReport(files: [
                ScannedFile(path: "x", format: "7z", findings: [ScanFinding(.scanMalformed, .suspicious, "7z")])
            ]).exitCode == 1)
    }

    @Test func jsonCarriesEvidenceAndLeavesOutWhatIsAbsent() throws {
        let file = ScannedFile(path: "m.pt", format: "pytorch-zip", findings: [Self.dangerous])
        let json = ScanReport(files: [file]).jsonValue()
        let finding = try #require(json["files"]?.arrayValue?.first?["findings"]?.arrayValue?.first)
        #expect(finding["global"]?.stringValue == "os.system")
        #expect(finding["spelledAs"]?.stringValue == "posix.system")
        #expect(finding["member"]?.arrayValue?.first?.stringValue == "archive/data.pkl")
        #expect(finding["severity"]?.stringValue == "error")
        #expect(finding["detail"] == nil)
        #expect(json["summary"]?["dangerous"] == .integer(1))
        #expect(json["schemaVersion"] == .integer(1))
    }

    @Test func textAndSarifLocateFindingsInsideContainers() {
        let file = ScannedFile(path: "m.pt", format: "pytorch-zip", findings: [Self.dangerous])
        let report = ScanReport(files: [file])
        let text = report.text(style: TextStyle(color: false))
        #expect(text.contains("dangerous  m.pt!archive/data.pkl @17 REDUCE: calls os.system (spelled posix.system)"))
        #expect(text.hasSuffix("UNSAFE 1 file scanned in 0.000 s: 1 dangerous"))
        let sarif = JSONWriter().string(report.sarifValue())
        #expect(sarif.contains(#""uri":"m.pt""#))
        #expect(sarif.contains("archive/data.pkl: calls os.system"))
    }
}
