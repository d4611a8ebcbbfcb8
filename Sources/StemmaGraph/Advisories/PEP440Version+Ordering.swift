extension PEP440Version {
    /// The release without trailing zero segments: `1.0.0` and `1` are the same release.
    private var significantRelease: ArraySlice<VersionNumeral> {
        var end = release.endIndex
        while end > release.startIndex, release[end - 1].isZero { end -= 1 }
        return release[..<end]
    }

    /// `packaging`'s suffix key `(pre_rank, pre_n, post_rank, post_n, dev_rank, dev_n)`, as ranks and numerals.
    ///
    /// A dev release with neither pre nor post sorts before every pre-release (rank -1); no pre-release ranks
    /// after `rc` (3); no post-release before any post (0 < 1); no dev release after any dev (1 > 0).
    private var suffixRanks:
        (
            pre: Int, preNumber: VersionNumeral, post: Int, postNumber: VersionNumeral, dev: Int,
            devNumber: VersionNumeral
        )
    {
        let preRank: Int
        let preNumber: VersionNumeral
        if let pre {
            preRank = pre.kind.rawValue
            preNumber = pre.number
        } else {
            preRank = (post == nil && dev != nil) ? -1 : 3
            preNumber = .zero
        }
        return (
            preRank, preNumber, post == nil ? 0 : 1, post ?? .zero, dev == nil ? 1 : 0, dev ?? .zero
        )
    }

    /// Three-way comparison in `packaging` order: -1, 0 or 1.
    func compare(to other: PEP440Version) -> Int {
        var order = compareValues(epoch, other.epoch)
        if order != 0 { return order }
        order = compareSequences(Array(significantRelease), Array(other.significantRelease), by: compareValues)
        if order != 0 { return order }
        let left = suffixRanks
        let right = other.suffixRanks
        for step in [
            compareValues(left.pre, right.pre), compareValues(left.preNumber, right.preNumber),
            compareValues(left.post, right.post), compareValues(left.postNumber, right.postNumber),
            compareValues(left.dev, right.dev), compareValues(left.devNumber, right.devNumber),
        ] where step != 0 {
            return step
        }
        switch (local, other.local) {
        case (nil, nil): return 0
        case (nil, _): return -1
        case (_, nil): return 1
        case let (left?, right?): return compareSequences(left, right, by: Self.compareLocal)
        }
    }

    /// Local segments: words before numbers, words by code point, numbers by value.
    private static func compareLocal(_ lhs: LocalSegment, _ rhs: LocalSegment) -> Int {
        switch (lhs, rhs) {
        case let (.number(left), .number(right)): return compareValues(left, right)
        case let (.word(left), .word(right)): return compareBytes(left, right)
        case (.word, .number): return -1
        case (.number, .word): return 1
        }
    }

    public static func < (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.compare(to: rhs) < 0 }

    public static func == (lhs: PEP440Version, rhs: PEP440Version) -> Bool { lhs.compare(to: rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        hasher.combine(Array(significantRelease))
        let ranks = suffixRanks
        hasher.combine(ranks.pre)
        hasher.combine(ranks.preNumber)
        hasher.combine(ranks.post)
        hasher.combine(ranks.postNumber)
        hasher.combine(ranks.dev)
        hasher.combine(ranks.devNumber)
        hasher.combine(local)
    }
}
