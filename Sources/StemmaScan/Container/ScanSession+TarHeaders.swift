import StemmaArchive
import StemmaCore

extension ScanSession {
    /// The most tar header problems reported for one archive (the reader keeps reading past most of them).
    private static let maxTarProblems = 100

    /// Reads a tar's headers with the strict tar reader `verify` uses (``TarReader``) and reports every place where
    /// GNU tar, bsdtar and Python's `tarfile` would unpack different names or bytes (conflicting GNU long names and
    /// pax records, global pax headers that rename, a body on a hard link, data after the end blocks, …) as
    /// `scan.container-anomaly`: the file is at least malformed, while its members are still scanned as libarchive
    /// sees them.
    ///
    /// The same for a tar file on disk and a tar nested in another container (a SageMaker `model.tar.gz` inside
    /// a zip, a `.tar` inside a `.tar.gz`): the reader reads `input` in place (a file, a slice of one, or a
    /// member in memory) and decompresses it a second time, skipping member data. The caller's member path names
    /// the nested tar, so each finding says where it is.
    func tarHeaderFindings(_ input: ScanInput) -> [ScanFinding] {
        let reader: TarReader
        do throws(StemmaError) {
            // The scan's own bound on decompressed bytes, not verify's: this pass is on top of libarchive's.
            var bounds = ArchiveLimits.standard
            bounds.maxTotalBytes = Int64(limits.maxTotalBytes)
            reader = try TarReader(source: input, name: currentMemberPath.last ?? input.path, limits: bounds)
            while try reader.nextEntry() != nil {
                try reader.readData { _ in }
            }
        } catch {
            // A check cut short is not a pass; libarchive's reading of the same bytes reports what cannot be read
            // at all.
            guard error.code == .limitExceeded else { return [] }
            return [Self.incomplete("the tar headers were not all checked: \(error.message)")]
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
