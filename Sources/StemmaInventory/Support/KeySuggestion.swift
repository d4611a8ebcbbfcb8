/// Suggests the key a person most likely meant when they wrote one Stemma does not know (`model:` for
/// `models:`), so that a typo is a warning and not a silently missing edge.
enum KeySuggestion {
    /// The known key nearest to `key` by edit distance, ignoring case and `_`/`-`, if it is near enough to be a
    /// typo: at most 2 edits, and fewer than half the key's length.
    static func nearest(_ key: String, in known: [String]) -> String? {
        let typed = simplified(key)
        guard !typed.isEmpty, typed.count <= 64 else { return nil }
        var best: (key: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(typed, simplified(candidate))
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= 2, best.distance * 2 < max(typed.count, 2) else { return nil }
        return best.key
    }

    private static func simplified(_ key: String) -> [Character] {
        Array(key.lowercased().filter { $0 != "_" && $0 != "-" })
    }

    /// Levenshtein distance; both inputs are short (keys of at most 64 characters).
    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = [Int](repeating: 0, count: rhs.count + 1)
        for i in 1...lhs.count {
            current[0] = i
            for j in 1...rhs.count {
                let substitution = previous[j - 1] + (lhs[i - 1] == rhs[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}
