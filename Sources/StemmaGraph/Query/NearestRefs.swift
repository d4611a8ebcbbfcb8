public import StemmaCore

/// The refs in a graph that look most like one it does not hold, so that a mistyped query is answered with
/// "did you mean" rather than a silent "0 agents affected".
///
/// Work is bounded: refs are compared without their version, at most ``maxLength`` characters of each, with an
/// edit distance cut off at a small bound (a banded Levenshtein, O(length × bound) per ref), and refs whose
/// length differs by more than the bound are skipped before any comparison.
public enum NearestRefs {
    /// Longer refs are compared on their first `maxLength` characters.
    static let maxLength = 200

    /// Up to `limit` refs of `graph` nearest to `ref`, nearest first; empty when none is close.
    ///
    /// A ref is close when its versionless spelling is within a few edits of the query's (case is ignored), or
    /// when its last name segment equals the query's (`model:Llama-3.1-8B` finds
    /// `pkg:huggingface/meta-llama/Llama-3.1-8B`).
    public static func nearest(to ref: ComponentRef, in graph: Graph, limit: Int = 3) -> [ComponentRef] {
        let target = Array(ref.unversioned.description.lowercased().unicodeScalars.prefix(maxLength))
        let targetTail = lastSegment(ref.name)
        let bound = max(2, min(8, target.count / 4))
        var seen = Set<ComponentRef>()
        var scored: [(distance: Int, ref: ComponentRef)] = []
        for node in graph.nodes {
            let candidate = node.ref.unversioned
            guard seen.insert(candidate).inserted else { continue }
            if !targetTail.isEmpty && lastSegment(candidate.name) == targetTail && candidate.kind != .artifact {
                scored.append((0, candidate))
                continue
            }
            let text = Array(candidate.description.lowercased().unicodeScalars.prefix(maxLength))
            guard abs(text.count - target.count) <= bound else { continue }
            if let distance = distance(target, text, bound: bound) { scored.append((distance, candidate)) }
        }
        scored.sort { ($0.distance, $0.ref) < ($1.distance, $1.ref) }
        return scored.prefix(limit).map(\.ref)
    }

    /// The part of a name after its last `/`, lowercased.
    private static func lastSegment(_ name: String) -> String {
        String(name.split(separator: "/").last ?? "").lowercased()
    }

    /// The Levenshtein distance of `a` and `b` if it is at most `bound`, else nil; only the diagonal band of
    /// width 2 × bound + 1 is computed.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], bound: Int) -> Int? {
        guard abs(a.count - b.count) <= bound else { return nil }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        let infinity = bound + 1
        var previous = [Int](repeating: infinity, count: b.count + 1)
        var current = [Int](repeating: infinity, count: b.count + 1)
        for j in 0...min(b.count, bound) { previous[j] = j }
        for i in 1...a.count {
            let low = max(1, i - bound)
            let high = min(b.count, i + bound)
            // Only the cells beside the band are reset, which keeps a row O(bound): the band of the next row reads
            // no cell beyond them.
            current[low - 1] = low == 1 && i <= bound ? i : infinity
            if high < b.count { current[high + 1] = infinity }
            var rowBest = current[low - 1]
            if low <= high {
                for j in low...high {
                    let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                    let value = min(substitution, previous[j] + 1, current[j - 1] + 1, infinity)
                    current[j] = value
                    rowBest = min(rowBest, value)
                }
            }
            if rowBest > bound { return nil }
            swap(&previous, &current)
        }
        return previous[b.count] <= bound ? previous[b.count] : nil
    }
}
