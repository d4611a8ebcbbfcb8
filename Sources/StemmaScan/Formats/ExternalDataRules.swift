import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// The rules for an ONNX tensor's external data: where `location` may point and which byte range it may name.
///
/// ONNX resolves `location` against the model's folder; a path that is absolute, climbs with `..`, names a
/// Windows drive or share, or resolves (through symlinks) outside the folder reads any file the loader can
/// (row 54 of the corpus). `offset` and `length` are decimal strings and must lie inside the referenced file.
struct ExternalDataRules {
    let modelFolder: String?
    private let resolvedFolder: String?
    /// Locations already judged, so that a thousand tensors in one bad file give one path finding.
    private var reportedLocations: Set<String> = []
    private var sizes: [String: Int] = [:]

    init(modelFolder: String?) {
        self.modelFolder = modelFolder
        self.resolvedFolder = modelFolder.flatMap { FileSystemPath.resolved($0) }
    }

    /// Findings for one tensor's `external_data` entries (empty when they are sound).
    mutating func check(tensor: String, entries: [(key: String, value: String)]) -> [ScanFinding] {
        let locations = entries.filter { $0.key == "location" }.map(\.value)
        guard let location = locations.last, !locations.contains(where: \.isEmpty) else {
            return [malformed(tensor, "its data is external but names no location")]
        }
        var findings: [ScanFinding] = []
        for candidate in locations {
            if let problem = Self.pathProblem(candidate), reportedLocations.insert(candidate).inserted {
                findings.append(escape(tensor, candidate, problem))
            }
        }
        guard findings.isEmpty, !locations.contains(where: { Self.pathProblem($0) != nil }) else { return findings }
        var offset: UInt64 = 0
        var length: UInt64?
        for (key, value) in entries where key == "offset" || key == "length" {
            guard let number = UInt64(value) else {
                return [malformed(tensor, "its external \(key) '\(value.prefix(40))' is not a non-negative integer")]
            }
            if key == "offset" { offset = number } else { length = number }
        }
        guard let modelFolder else { return [] }
        guard let resolvedFolder else {
            return [malformed(tensor, "the model folder '\(modelFolder)' could not be resolved to check '\(location)'")]
        }
        let joined = modelFolder.hasSuffix("/") ? modelFolder + location : modelFolder + "/" + location
        guard let resolved = FileSystemPath.resolved(joined) else {
            return [malformed(tensor, "its external data file '\(location)' does not exist")]
        }
        guard resolved == resolvedFolder || resolved.hasPrefix(resolvedFolder == "/" ? "/" : resolvedFolder + "/")
        else {
            guard reportedLocations.insert(location).inserted else { return [] }
            return [escape(tensor, location, "it resolves to '\(resolved)', outside the model folder")]
        }
        guard let size = regularFileSize(resolved) else {
            return [malformed(tensor, "its external data '\(location)' is not a regular file")]
        }
        let (end, overflow) = offset.addingReportingOverflow(length ?? 0)
        guard offset <= UInt64(size), !overflow, end <= UInt64(size) else {
            let range = length.map { "\(offset)+\($0)" } ?? "offset \(offset)"
            return [malformed(tensor, "its external range \(range) lies outside '\(location)' (\(size) bytes)")]
        }
        return []
    }

    /// Why a location may not be used, or nil when it is a plain relative path inside the folder.
    static func pathProblem(_ location: String) -> String? {
        if location.utf8.contains(0) { return "the location contains a NUL byte" }
        if location.hasPrefix("/") { return "the location is an absolute path" }
        if location.contains("\\") { return "the location contains a backslash (a Windows or UNC path)" }
        let bytes = Array(location.utf8)
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"),
            (bytes[0] >= 0x41 && bytes[0] <= 0x5A) || (bytes[0] >= 0x61 && bytes[0] <= 0x7A)
        {
            return "the location names a drive"
        }
        if location.split(separator: "/", omittingEmptySubsequences: false).contains("..") {
            return "the location climbs out with '..'"
        }
        return nil
    }

    private mutating func regularFileSize(_ path: String) -> Int? {
        if let size = sizes[path] { return size }
        var status = stat()
        guard stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        sizes[path] = Int(status.st_size)
        return Int(status.st_size)
    }

    private func escape(_ tensor: String, _ location: String, _ problem: String) -> ScanFinding {
        ScanFinding(
            .scanONNXExternalDataEscape, .dangerous,
            "ONNX tensor '\(tensor)' reads external data from '\(location)': \(problem).",
            evidence: ScanEvidence(detail: "external_data location \(location)"))
    }

    private func malformed(_ tensor: String, _ problem: String) -> ScanFinding {
        ScanFinding(
            .scanMalformed, .malformed, "ONNX tensor '\(tensor)' is malformed: \(problem).",
            evidence: ScanEvidence(detail: problem))
    }
}
