/// Where a dotted path resolves to, by the re-exports and aliases of ``PickleResolutionTable`` (rule 5:
/// judge each global by the definition it resolves to).
///
/// `find_class` imports the module and walks the name attribute by attribute, so `numpy.ma.core` + `np.load`
/// is `numpy.load`, defined as `numpy.lib._npyio_impl.load`. The walk rewrites the longest prefix of the path
/// that the table knows, at most ``maxSteps`` times, and stops at a path it has already seen.
enum PickleResolution {
    /// Rewrites per path; real chains are two or three long (`keras.saving` → `keras.api.saving` → `keras.src…`).
    static let maxSteps = 8

    /// `path` → `target`, parsed once from the table's text.
    static let aliases: [String: String] = {
        var table: [String: String] = [:]
        for line in PickleResolutionTable.aliases.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2 else { continue }
            table[String(fields[0])] = String(fields[1])
        }
        return table
    }()

    /// The most components a table key has: longer prefixes are never looked up, so a walk costs
    /// O(``maxSteps`` × this × the path's length) whatever the path.
    static let maxKeyComponents: Int = aliases.keys.reduce(1) { max($0, $1.split(separator: ".").count) }

    /// The definitions that denylist entries resolve to: judged as the entries themselves.
    static let definitions: Set<String> = Set(
        PickleResolutionTable.definitions.split(separator: "\n").map(String.init))

    /// Every path the walk passes through after `path` itself (empty when the table knows no prefix of it).
    ///
    /// Complexity: O(``maxSteps`` × ``maxKeyComponents``) dictionary look-ups.
    static func steps(from path: String) -> [String] {
        var current = path
        var seen: Set<String> = [path]
        var result: [String] = []
        for _ in 0..<maxSteps {
            let parts = current.split(separator: ".", omittingEmptySubsequences: false)
            var rewritten: String?
            for cut in stride(from: min(parts.count, maxKeyComponents), through: 1, by: -1) {
                let prefix = parts[..<cut].joined(separator: ".")
                if let target = aliases[prefix] {
                    rewritten = ([target] + parts[cut...].map(String.init)).joined(separator: ".")
                    break
                }
            }
            guard let next = rewritten, seen.insert(next).inserted else { break }
            result.append(next)
            current = next
        }
        return result
    }
}
