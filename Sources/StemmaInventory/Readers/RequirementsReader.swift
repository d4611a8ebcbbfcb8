import StemmaCore
public import StemmaGraph

/// `requirements.txt` files in pip's hash-checking mode (`name==version --hash=sha256:…`), as `pip-compile
/// --generate-hashes` and `uv pip compile --generate-hashes` write them.
///
/// Each requirement becomes a package pinned at its `==` version with the SHA-256 digests of its `--hash`
/// options as artifacts; extras, markers and the `--index-url` (kept as `source`) become properties. Requirement
/// files list no dependencies between packages, so the only edges are from the folder's agent. A requirement
/// that is not pinned gives a warning and a name-level ref; one without a hash gives a warning (pip would refuse
/// it); `-r` and `-c` includes and `-e` editables are not followed.
public enum RequirementsReader: InventoryReader {
    /// `requirements-hashes`.
    public static let formatName = "requirements-hashes"

    /// A `--hash` option in the head, and every other line an option, a comment or a requirement.
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        // Cheap byte checks first: this runs for every file of a 155,000-file inventory.
        guard ByteSearch.contains(head, "--hash"), !head.contains(0) else { return false }
        let text = String(decoding: head, as: UTF8.self)
        guard text.contains("--hash=") || text.contains("--hash ") else { return false }
        var lines = text.split(separator: "\n")
        if !text.hasSuffix("\n") && head.count >= 64 << 10 { lines = lines.dropLast() }  // may be cut short
        var requirements = 0
        for line in lines {
            let content = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            guard let first = content.first, first != "#", first != "-", first != "\r" else { continue }
            guard RequirementsLine.looksLikeRequirement(content) else { return false }
            requirements += 1
        }
        return requirements > 0
    }

    /// Reads the requirements; text that is not UTF-8 gives one warning and nothing else.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            return .warning(path, "is not UTF-8 text, so it is not read as a requirements file")
        }
        var lock = LockfileFragment(path: path)
        var packages: [LockfilePackage] = []
        var indexURL: String?
        var extraIndexURLs: [String] = []
        for line in RequirementsLine.lines(of: text) {
            if line.text.hasPrefix("-") {
                let (option, value) = option(line.text)
                switch option {
                case "-i", "--index-url": indexURL = value
                case "--extra-index-url": if let value { extraIndexURLs.append(value) }
                case "-r", "--requirement", "-c", "--constraint":
                    lock.warn("line \(line.number): includes '\(value ?? "")', which is not followed from here")
                case "-e", "--editable":
                    lock.warn("line \(line.number): editable requirement '\(value ?? "")' has no hash; skipped")
                default: break
                }
                continue
            }
            guard let requirement = Requirement(line.text) else {
                lock.warn("line \(line.number): '\(line.text.prefix(120))' is not a named requirement; skipped")
                continue
            }
            packages.append(package(requirement, line: line.number, lock: &lock))
        }
        for var package in packages {
            if package.properties["source"] == nil, let indexURL { package.properties["source"] = indexURL }
            if !extraIndexURLs.isEmpty {
                package.properties["extra-index-urls"] = extraIndexURLs.joined(separator: " ")
            }
            guard lock.add(package) else { break }
        }
        return lock.fragment
    }

    private static func package(_ requirement: Requirement, line: Int, lock: inout LockfileFragment) -> LockfilePackage
    {
        let owner = "line \(line): '\(requirement.name)'"
        var package = LockfilePackage(name: requirement.name, version: requirement.pinnedVersion)
        if let url = requirement.url {
            package.properties["source"] = url
        } else if package.version == nil {
            let specifier = requirement.specifier.isEmpty ? "no version" : requirement.specifier
            lock.warn("\(owner) is not pinned with == (\(specifier)); recorded by name only")
        }
        if !requirement.extras.isEmpty { package.properties["extras"] = requirement.extras.joined(separator: ",") }
        if let marker = requirement.marker { package.properties["marker"] = marker }
        for hash in requirement.hashes {
            if let digest = lock.sha256(prefixed: hash, owner: owner) { package.addArtifact(digest) }
        }
        if requirement.hashes.isEmpty { lock.warn("\(owner) has no --hash; pip's hash-checking mode would refuse it") }
        return package
    }

    /// `-x value`, `--name value` or `--name=value`.
    private static func option(_ text: String) -> (String, String?) {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let first = tokens.first else { return ("", nil) }
        if first.hasPrefix("--"), let equals = first.firstIndex(of: "=") {
            return (String(first[..<equals]), String(first[first.index(after: equals)...]))
        }
        return (first, tokens.count > 1 ? tokens[1] : nil)
    }
}
