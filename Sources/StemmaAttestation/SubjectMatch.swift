import StemmaCore

/// Matches files against statement subjects: by name first, else by SHA-256 digest.
enum SubjectMatch {
    /// One reason per file that matches no subject, naming the file and the envelope.
    static func mismatches(files: [(path: String, sha256: String)], subjects: [AttestationSubject], source: String)
        -> [String]
    {
        var reasons: [String] = []
        for file in files {
            let base = AttestationFile.lastComponent(file.path)
            if let named = subjects.first(where: {
                $0.name.isExactly(file.path) || (!$0.name.isEmpty && $0.name.isExactly(base))
            }) {
                guard let expected = named.sha256 else {
                    reasons.append("'\(file.path)': subject \"\(named.name)\" in '\(source)' has no sha256 digest")
                    continue
                }
                if expected != file.sha256 {
                    reasons.append(
                        "'\(file.path)' has sha256 \(file.sha256), but subject \"\(named.name)\" in '\(source)' "
                            + "has \(expected)")
                }
            } else if !subjects.contains(where: { $0.sha256 == file.sha256 }) {
                reasons.append("'\(file.path)' (sha256 \(file.sha256)) matches no subject in '\(source)'")
            }
        }
        return reasons
    }
}
