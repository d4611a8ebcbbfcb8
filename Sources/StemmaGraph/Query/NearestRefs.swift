public import StemmaCore

/// The refs in a graph that look most like one it does not hold, so that a mistyped query is answered with
/// "did you mean" rather than a silent "0 agents affected".
///
/// Work is bounded and allocation-free per node: names are compared as ASCII-case-folded bytes, at most
/// ``maxLength`` of them, with an edit distance cut off at a small bound (a banded Levenshtein, O(length ×
/// bound) per name), and names whose length differs by more than the bound are skipped before any comparison.
public enum NearestRefs {
    /// Longer names are compared on their first `maxLength` bytes.
    static let maxLength = 200

    /// Up to `limit` refs of `graph` nearest to `ref` (versionless, nearest first); empty when none is close.
    ///
    /// A ref is close when its name is within a few edits of the query's name (case is ignored), or when its last
    /// name segment equals the query's (`model:Llama-3.1-8B` finds `pkg:huggingface/meta-llama/Llama-3.1-8B`).
    public static func nearest(to ref: ComponentRef, in graph: Graph, limit: Int = 3) -> [ComponentRef] {
        let target = folded(ref.name.utf8.prefix(maxLength))
        let tail = folded(ref.name.utf8.split(separator: UInt8(ascii: "/")).last ?? [][...])
        // The bound follows the name's length, so short names are not matched to everything.
        let bound = max(2, min(6, target.count / 3))
        var rows = Rows(width: maxLength + 1)
        var scored: [(distance: Int, ref: ComponentRef)] = []
        var listed = Set<ComponentRef>()
        for node in graph.nodes where node.ref.kind != .artifact {
            var name = node.ref.name
            let distance = name.withUTF8 { bytes -> Int? in
                if !tail.isEmpty && hasTail(bytes, tail) { return 0 }
                let compared = UnsafeBufferPointer(rebasing: bytes.prefix(maxLength))
                guard abs(compared.count - target.count) <= bound else { return nil }
                return rows.distance(target, compared, bound: bound)
            }
            guard let distance, listed.insert(node.ref.unversioned).inserted else { continue }
            scored.append((distance, node.ref.unversioned))
        }
        scored.sort { ($0.distance, $0.ref) < ($1.distance, $1.ref) }
        return scored.prefix(limit).map(\.ref)
    }

    /// Whether `name` ends with `/` + `tail` (or is `tail`), ignoring ASCII case.
    private static func hasTail(_ name: UnsafeBufferPointer<UInt8>, _ tail: [UInt8]) -> Bool {
        let start = name.count - tail.count
        guard start >= 0, start == 0 || name[start - 1] == UInt8(ascii: "/") else { return false }
        for offset in 0..<tail.count where fold(name[start + offset]) != tail[offset] { return false }
        return true
    }

    private static func folded<S: Sequence<UInt8>>(_ bytes: S) -> [UInt8] { bytes.map(fold) }

    private static func fold(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    /// Two rows of the distance table, allocated once per search.
    struct Rows {
        var previous: [Int]
        var current: [Int]

        init(width: Int) {
            previous = [Int](repeating: 0, count: width)
            current = [Int](repeating: 0, count: width)
        }

        /// The Levenshtein distance of `a` (already folded) and `b` (folded here) if it is at most `bound`, else
        /// nil; only the diagonal band of width 2 × bound + 1 is computed.
        mutating func distance(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>, bound: Int) -> Int? {
            let (m, n) = (a.count, b.count)
            guard abs(m - n) <= bound else { return nil }
            if m == 0 || n == 0 { return max(m, n) }
            let infinity = bound + 1
            for j in 0...min(n, bound) { previous[j] = j }
            if bound < n { previous[bound + 1] = infinity }
            for i in 1...m {
                let low = max(1, i - bound)
                let high = min(n, i + bound)
                // Only the cells beside the band are reset, which keeps a row O(bound): the band of the next row
                // reads no cell beyond them.
                current[low - 1] = low == 1 && i <= bound ? i : infinity
                if high < n { current[high + 1] = infinity }
                var rowBest = current[low - 1]
                if low <= high {
                    for j in low...high {
                        let same = a[i - 1] == NearestRefs.fold(b[j - 1])
                        let value = Swift.min(
                            previous[j - 1] + (same ? 0 : 1), previous[j] + 1, current[j - 1] + 1, infinity)
                        current[j] = value
                        rowBest = Swift.min(rowBest, value)
                    }
                }
                if rowBest > bound { return nil }
                swap(&previous, &current)
            }
            return previous[n] <= bound ? previous[n] : nil
        }
    }
}
