import StemmaArchive
public import StemmaCore
public import StemmaGraph

/// Reads OSV advisories (JSON files, folders of them, or an offline OSV export `.zip` such as osv.dev's
/// `all.zip`) and flags every graph component they match.
enum AdvisoryFlags {
    static func match(
        advisoryPaths: [String], graph: Graph, limits: InventoryLimits
    ) throws(StemmaError) -> (flags: [FlaggedComponent], warnings: [InventoryWarning]) {
        let (advisories, warnings) = try load(advisoryPaths, limits: limits)
        let index = AdvisoryIndex(advisories)
        var flags: [FlaggedComponent] = []
        for node in graph.nodes where node.ref.ecosystem != nil && node.ref.kind != .artifact {
            for advisory in index.matching(node.ref) {
                flags.append(
                    FlaggedComponent(
                        ref: node.ref, severity: advisory.severity,
                        reason:
                            "\(advisory.isMalicious ? "malicious package" : "vulnerable"): \(advisory.id) \(advisory.title)",
                        advisory: advisory.id))
            }
        }
        return (flags, warnings + unmatchable(advisories, graph: graph))
    }

    /// OS distributions' OSV ecosystems (`Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`, `Red Hat`) and the
    /// `pkg:deb`/`pkg:apk`/`pkg:rpm` components they would describe: their versions follow dpkg, apk and rpm
    /// ordering, which Stemma does not implement, so no such advisory ever matches. Saying so keeps "not
    /// affected" from being read as "checked".
    static func unmatchable(_ advisories: [OSVAdvisory], graph: Graph) -> [InventoryWarning] {
        var byDistribution: [String: Int] = [:]
        for advisory in advisories {
            let names = Set(advisory.affected.map(\.ecosystem).filter(isDistribution).map(distributionName))
            for name in names { byDistribution[name, default: 0] += 1 }
        }
        var warnings = byDistribution.keys.sorted().map { name in
            InventoryWarning(
                source: "--advisories",
                message:
                    "\(byDistribution[name] ?? 0) advisory record(s) for the OS distribution '\(name)' are not matched: "
                    + "Stemma does not order dpkg, apk or rpm versions")
        }
        var osPackages: [String: Int] = [:]
        for node in graph.nodes {
            if let ecosystem = node.ref.ecosystem, ["deb", "apk", "rpm", "alpm"].contains(ecosystem) {
                osPackages[ecosystem, default: 0] += 1
            }
        }
        for (ecosystem, count) in osPackages.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                InventoryWarning(
                    source: "--advisories",
                    message:
                        "\(count) pkg:\(ecosystem) component(s) of the inventory are not checked against advisories"))
        }
        return warnings
    }

    private static let distributions: Set<String> = [
        "debian", "ubuntu", "alpine", "almalinux", "rocky linux", "red hat", "suse", "opensuse", "mageia",
        "photon os", "wolfi", "chainguard", "alpaquita", "bellsoft hardened containers", "azure linux", "minimos",
        "openeuler", "echo",
    ]

    private static func distributionName(_ ecosystem: String) -> String {
        String(ecosystem.split(separator: ":", maxSplits: 1).first ?? Substring(ecosystem))
    }

    private static func isDistribution(_ ecosystem: String) -> Bool {
        distributions.contains(distributionName(ecosystem).lowercased())
    }

    /// Every advisory under the paths; unreadable single records in a folder or archive are warnings, an
    /// unreadable path, or one that holds no OSV advisory at all (`--advisories README.md`), is an error.
    static func load(_ paths: [String], limits: InventoryLimits) throws(StemmaError) -> (
        [OSVAdvisory], [InventoryWarning]
    ) {
        var advisories: [OSVAdvisory] = []
        var warnings: [InventoryWarning] = []
        var parsed = 0
        func parse(_ bytes: [UInt8], _ source: String) {
            do {
                let advisory = try OSVAdvisory.parse(bytes, source: source)
                parsed += 1
                if !advisory.isWithdrawn { advisories.append(advisory) }
            } catch {
                warnings.append(InventoryWarning(source: source, message: error.message))
            }
        }
        for path in paths {
            let (parsedBefore, warningsBefore) = (parsed, warnings.count)
            if path.lowercased().hasSuffix(".zip") {
                try readArchive(path, limits: limits) { bytes, source in
                    if let bytes {
                        parse(bytes, source)
                    } else {
                        warnings.append(
                            InventoryWarning(
                                source: source, message: "is larger than \(limits.maxDocumentBytes) bytes; skipped",
                                incomplete: true))
                    }
                }
            } else {
                let (files, walkWarnings) = InventoryWalker(limits: limits).walk([path])
                warnings += walkWarnings
                if files.isEmpty && !walkWarnings.isEmpty {
                    throw StemmaError(.io, "cannot read the advisories at '\(path)': \(walkWarnings[0].message)")
                }
                for file in files where file.path.lowercased().hasSuffix(".json") || files.count == 1 {
                    guard file.size <= Int64(limits.maxDocumentBytes) else {
                        warnings.append(
                            InventoryWarning(
                                source: file.path,
                                message:
                                    "is \(file.size) bytes, over the \(limits.maxDocumentBytes)-byte limit; skipped",
                                incomplete: true))
                        continue
                    }
                    do {
                        parse(try BoundedFile.read(file.path, maxBytes: limits.maxDocumentBytes), file.path)
                    } catch {
                        warnings.append(InventoryWarning(source: file.path, message: error.message))
                    }
                }
            }
            // A path that gave no advisory is not what --advisories declares (README.md, an empty folder, the
            // wrong export): answering "nothing is vulnerable" from it would be a false pass.
            if parsed == parsedBefore {
                let why = warnings.dropFirst(warningsBefore).first.map { " (\($0.description))" } ?? ""
                throw StemmaError(.malformedInput, "--advisories '\(path)' holds no OSV advisory\(why)")
            }
        }
        return (advisories, warnings)
    }

    /// Hands each `.json` member of an OSV export archive to `visit`, with nil bytes for one over the size limit.
    private static func readArchive(
        _ path: String, limits: InventoryLimits, visit: ([UInt8]?, String) -> Void
    ) throws(StemmaError) {
        let reader = try ArchiveReader(path: path)
        while let entry = try reader.nextEntry() {
            guard case .regularFile = entry.kind, entry.displayName.hasSuffix(".json") else { continue }
            var bytes: [UInt8] = []
            var tooLarge = false
            try reader.readData { chunk in
                if bytes.count + chunk.count > limits.maxDocumentBytes {
                    tooLarge = true
                } else {
                    bytes.append(contentsOf: chunk)
                }
            }
            visit(tooLarge ? nil : bytes, "\(path):\(entry.displayName)")
        }
    }
}
