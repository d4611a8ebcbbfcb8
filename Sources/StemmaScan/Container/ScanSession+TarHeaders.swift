import StemmaArchive
import StemmaCore

extension ScanSession {
    /// The most tar header problems reported for one archive (the reader keeps reading past most of them).
    private static let maxTarProblems = 100

    /// Reads a tar file's headers with the strict tar reader `verify` uses (``TarReader``) and reports every place
    /// where GNU tar, bsdtar and Python's `tarfile` would unpack different names or bytes (conflicting GNU long
    /// names and pax records, global pax headers that rename, a body on a hard link, data after the end blocks, …)
    /// as `scan.container-anomaly`: the file is at least malformed, while its members are still scanned as
    /// libarchive sees them.
    ///
    /// Only for a tar that is a whole file on disk: the reader opens the path (and decompresses the stream a
    /// second time, skipping member data). A tar nested in another container is not checked this way yet.
    func tarHeaderFindings(_ input: ScanInput) -> [ScanFinding] {
        guard input.isWholeFile else { return [] }
        let reader: TarReader
        do throws(StemmaError) {
            reader = try TarReader(path: input.path)
            while try reader.nextEntry() != nil {
                try reader.readData { _ in }
            }
        } catch {
            // libarchive's reading of the same file reports what cannot be read at all.
            return []
        }
        var findings = reader.problems.prefix(Self.maxTarProblems).map { problem in
            ScanFinding(
                .scanContainerAnomaly, .malformed, "Tar ambiguity: \(problem.message)",
                evidence: ScanEvidence(member: [problem.member]))
        }
        if reader.problems.count > Self.maxTarProblems {
            findings.append(
                ScanFinding(
                    .scanContainerAnomaly, .malformed,
                    "Tar ambiguity: \(reader.problems.count - Self.maxTarProblems) more not listed."))
        }
        return findings
    }
}
