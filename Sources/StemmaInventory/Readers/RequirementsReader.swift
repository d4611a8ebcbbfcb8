import StemmaCore
public import StemmaGraph

/// `requirements.txt` files in pip's hash-checking mode (`name==version --hash=sha256:…`), as `pip-compile
/// --generate-hashes` and `uv pip compile --generate-hashes` write them, and `pip freeze` output (`name==version`
/// lines without hashes, `-e` editables, `name @ url`, comments, environment markers) in a file named
/// `requirements*.txt`.
///
/// Each requirement becomes a package pinned at its `==` version with the SHA-256 digests of its `--hash`
/// options as artifacts; extras, markers and the `--index-url` (kept as `source`) become properties. Requirement
/// files list no dependencies between packages, so the only edges are from the folder's agent. A requirement
/// that is not pinned gives a warning and a name-level ref; in a file that uses hashes, one without a hash gives
/// a warning (pip would refuse it); `-r` and `-c` includes are not followed, and an `-e` editable is recorded by
/// its `#egg=` name (with its URL as `source`) when it has one.
public enum RequirementsReader: InventoryReader {
    /// `requirements-hashes`.
    public static let formatName = "requirements-hashes"

    /// A `--hash` option in the head, or a name `requirements*.txt`; and every other line an option, a comment or
    /// a requirement, with at least one requirement.
    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        // Cheap checks first: this runs for every file of a 155,000-file inventory.
        guard !head.contains(0) else { return false }
        let hashed = ByteSearch.contains(head, "--hash")
        guard hashed || isRequirementsName(path) else { return false }
        let text = String(decoding: head, as: UTF8.self)
        if hashed && !isRequirementsName(path) {
            guard text.contains("--hash=") || text.contains("--hash ") else { return false }
        }
        var lines = text.split(separator: "\n")
        if !text.hasSuffix("\n") && head.count >= 64 << 10 { lines = lines.dropLast() }  // may be cut short
        var requirements = 0
        for line in lines {
            let content = line.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
            guard let first = content.first, first != "#", first != "-", first != "\r" else { continue }
            // pip also takes a local path, an archive URL or a VCS URL on its own line: one such line made a whole
            // `requirements.txt` unrecognised, so its pinned packages were dropped without a word.
            if isRequirementsName(path), isLocationLine(content) { continue }
            guard RequirementsLine.looksLikeRequirement(content) else { return false }
            requirements += 1
        }
        return requirements > 0
    }

    /// A line pip reads as a location rather than a name: `./pkg`, `/abs/pkg`, `~/pkg`, `https://…/x.whl`,
    /// `git+https://…`, `file:…`.
    /// (`name @ https://…` is a named requirement: only the line's first word is looked at.)
    static func isLocationLine(_ line: Substring) -> Bool {
        let word = line.prefix { $0 != " " && $0 != "\t" }
        guard let first = word.first else { return false }
        if first == "." || first == "/" || first == "~" || word.hasPrefix("file:") { return true }
        guard let scheme = word.firstRange(of: "://") else { return false }
        return word[..<scheme.lowerBound].allSatisfy { $0.isLetter || $0 == "+" }
    }

    /// `requirements.txt`, `requirements-dev.txt`, `requirements_prod.txt`, … (what `pip freeze >` is sent to).
    static func isRequirementsName(_ path: String) -> Bool {
        // By bytes with ASCII case folded (the `Character` split and `lowercased()` were 5 % of reading a fleet,
        // as this runs for every file no other reader claims).
        let bytes = path.utf8
        let name = bytes.lastIndex(of: UInt8(ascii: "/")).map { bytes[bytes.index(after: $0)...] } ?? bytes[...]
        let folded = { (byte: UInt8) in byte >= 65 && byte <= 90 ? byte + 32 : byte }
        return name.count >= 16 && name.prefix(12).map(folded).elementsEqual("requirements".utf8)
            && name.suffix(4).map(folded).elementsEqual(".txt".utf8)
    }

    /// Reads the requirements; text that is not UTF-8 gives one warning and nothing else.
    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            return .warning(path, "is not UTF-8 text, so it is not read as a requirements file")
        }
        var lock = LockfileFragment(path: path)
        let lines = RequirementsLine.lines(of: text)
        // pip freeze writes no hashes; only a file that uses them is held to pip's hash-checking mode.
        let hashMode = lines.contains { $0.text.contains("--hash") }
        var packages: [LockfilePackage] = []
        var indexURL: String?
        var extraIndexURLs: [String] = []
        for line in lines {
            if line.text.hasPrefix("-") {
                let (option, value) = option(line.text)
                switch option {
                case "-i", "--index-url": indexURL = value
                case "--extra-index-url": if let value { extraIndexURLs.append(value) }
                case "-r", "--requirement", "-c", "--constraint":
                    lock.warn("line \(line.number): includes '\(value ?? "")', which is not followed from here")
                case "-e", "--editable":
                    let named = editable(value, line: line.number)
                    if let named { packages.append(named) }
                    let what = "line \(line.number): editable requirement '\(value ?? "")'"
                    if hashMode {
                        lock.warn(named == nil ? "\(what) has no hash; skipped" : "\(what) has no hash")
                    } else if named == nil {
                        lock.warn("\(what) names no package (#egg=); skipped")
                    }
                default: break
                }
                continue
            }
            guard !isLocationLine(Substring(line.text)), let requirement = Requirement(line.text) else {
                lock.warn("line \(line.number): '\(line.text.prefix(120))' is not a named requirement; skipped")
                continue
            }
            packages.append(package(requirement, line: line.number, hashMode: hashMode, lock: &lock))
        }
        for var package in packages {
            if package.properties["source"] == nil, let indexURL { package.properties["source"] = indexURL }
            if !extraIndexURLs.isEmpty {
                package.properties["extra-index-urls"] = extraIndexURLs.joined(separator: " ")
            }
            lock.add(package)
        }
        return lock.fragment
    }

    private static func package(
        _ requirement: Requirement, line: Int, hashMode: Bool, lock: inout LockfileFragment
    ) -> LockfilePackage {
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
        if hashMode && requirement.hashes.isEmpty {
            lock.warn("\(owner) has no --hash; pip's hash-checking mode would refuse it")
        }
        return package
    }

    /// The package of `-e URL#egg=NAME` (pip freeze's spelling of an editable VCS checkout), unversioned, with the
    /// URL as `source`; nil without an egg name (a local path names no package).
    private static func editable(_ value: String?, line: Int) -> LockfilePackage? {
        guard let value, let range = value.firstRange(of: "#egg=") ?? value.firstRange(of: "&egg=") else { return nil }
        let name = value[range.upperBound...].prefix { RequirementsLine.isNameCharacter($0) }
        guard let first = name.first, first.isLetter || first.isNumber else { return nil }
        var package = LockfilePackage(name: String(name), version: nil)
        package.properties["source"] = String(value[..<range.lowerBound])
        package.properties["editable"] = "true"
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
