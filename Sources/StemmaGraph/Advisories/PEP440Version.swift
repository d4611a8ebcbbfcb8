/// A Python package version per PEP 440, ordered exactly as `packaging.version.Version` orders it.
///
/// Accepts every spelling `packaging` 26 accepts: an optional leading `v`, an epoch `N!`, any number of release
/// segments, pre-releases (`a`, `b`, `rc` and the spellings `alpha`, `beta`, `c`, `pre`, `preview`, with optional
/// `.`, `-`, `_` separators and an implicit 0), post-releases (`.post1`, `-1`, `rev`, `r`), dev releases and a
/// local label (`+cu121`), case-insensitively and with surrounding whitespace ignored.
///
/// Ordering: `1.0.dev0 < 1.0a1.dev0 < 1.0a1 < 1.0b1 < 1.0rc1 < 1.0 < 1.0+local < 1.0.post1.dev0 < 1.0.post1`.
/// Trailing zero release segments do not matter (`1.0 == 1.0.0`), and equal versions hash equally.
public struct PEP440Version: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Which pre-release a version is; the raw value is the normalised letter.
    enum PreReleaseKind: Int, Sendable {
        case alpha = 0
        case beta = 1
        case releaseCandidate = 2

        var letter: String {
            switch self {
            case .alpha: return "a"
            case .beta: return "b"
            case .releaseCandidate: return "rc"
            }
        }
    }

    /// One dot-separated part of a local label; numbers sort after words.
    enum LocalSegment: Hashable, Sendable {
        case number(VersionNumeral)
        case word(String)
    }

    let epoch: VersionNumeral
    /// The release segments as written (trailing zeros kept for ``description``).
    let release: [VersionNumeral]
    let pre: (kind: PreReleaseKind, number: VersionNumeral)?
    let post: VersionNumeral?
    let dev: VersionNumeral?
    let local: [LocalSegment]?

    /// The longest version text accepted; real versions are tens of characters.
    static let maximumLength = 1024

    /// Parses a PEP 440 version.
    /// - Returns: nil when `text` is not a valid PEP 440 version (for example a legacy `2004d` or `1.0-beta-2`).
    public init?(_ text: String) {
        guard let parsed = PEP440Parser.parse(text) else { return nil }
        self = parsed
    }

    init(
        epoch: VersionNumeral, release: [VersionNumeral], pre: (kind: PreReleaseKind, number: VersionNumeral)?,
        post: VersionNumeral?, dev: VersionNumeral?, local: [LocalSegment]?
    ) {
        self.epoch = epoch
        self.release = release
        self.pre = pre
        self.post = post
        self.dev = dev
        self.local = local
    }

    /// True for alpha, beta, release-candidate and dev releases (as `packaging`'s `is_prerelease`).
    public var isPreRelease: Bool { pre != nil || dev != nil }

    /// True when the version has a post-release segment.
    public var isPostRelease: Bool { post != nil }

    /// True when the version has a dev-release segment.
    public var isDevRelease: Bool { dev != nil }

    /// The local label after `+`, normalised (`cu121`, `ubuntu.1`), or nil.
    public var localLabel: String? {
        local.map { segments in
            segments.map { segment -> String in
                switch segment {
                case .number(let number): return number.digits
                case .word(let word): return word
                }
            }.joined(separator: ".")
        }
    }

    /// The normalised form, as `str(packaging.version.Version(text))` prints it (`1!2.0rc1.post3.dev4+abc.5`).
    public var description: String {
        var text = release.map(\.digits).joined(separator: ".")
        if !epoch.isZero { text = epoch.digits + "!" + text }
        if let pre { text += pre.kind.letter + pre.number.digits }
        if let post { text += ".post" + post.digits }
        if let dev { text += ".dev" + dev.digits }
        if let localLabel { text += "+" + localLabel }
        return text
    }
}
