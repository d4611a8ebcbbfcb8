import StemmaCore

extension OSVAffected {
    /// Whether this entry covers `name` at `version` in `ecosystem`, following the OSV evaluation pseudocode.
    ///
    /// The ecosystem is compared case-insensitively (`PyPI` == `pypi`, `Go` == `golang`) and the name after
    /// normalisation (PEP 503 for PyPI). A version is affected when it is listed in `versions[]` (exactly, or
    /// equal under the ecosystem's ordering: `1.0` == `1.0.0` for PyPI) or lies inside any non-`GIT` range. A
    /// version the ordering cannot read (a legacy PyPI version) is matched by `versions[]` only, unless the entry
    /// covers every version.
    /// - Parameter version: nil for "some unknown version": affected only when ``coversAllVersions``.
    public func affects(ecosystem: String, name: String, version: String?) -> Bool {
        package == PackageKey(ecosystem: ecosystem, name: name) && affects(version: version)
    }

    /// Whether `version` of this entry's package is affected; see ``affects(ecosystem:name:version:)``.
    func affects(version: String?) -> Bool {
        guard let version = version?.trimmedWhitespace, !version.isEmpty else { return coversAllVersions }
        // Every version is every version, even one the ordering cannot read.
        if coversAllVersions || versionSet.contains(version) { return true }
        for range in ranges {
            guard let scheme = scheme(for: range.kind) else { continue }
            if range.includes(version, scheme: scheme) { return true }
        }
        let scheme = VersionScheme(ecosystemKey: package.ecosystem)
        guard !versions.isEmpty, let key = scheme.key(version) else { return false }
        return versions.contains { scheme.key($0) == key }
    }

    private func scheme(for kind: OSVRange.Kind) -> VersionScheme? {
        switch kind {
        case .semver: return .semver
        case .ecosystem: return VersionScheme(ecosystemKey: package.ecosystem)
        case .git, .other: return nil
        }
    }
}

extension OSVRange {
    /// A point on the range's line: before everything (`introduced: "0"`), a version, or infinity (`limit: "*"`).
    private enum Bound: Comparable {
        case minimum
        case version(VersionKey)
        case infinity
    }

    /// The OSV `IncludedInRanges` step for one range.
    ///
    /// Events are sorted by version (stable, so equal versions keep file order). If `version` or any event's
    /// version cannot be ordered, the range is not evaluated and matches nothing.
    func includes(_ version: String, scheme: VersionScheme) -> Bool {
        guard let key = scheme.key(version) else { return false }
        let point = Bound.version(key)
        var bounded: [(bound: Bound, event: OSVEvent)] = []
        bounded.reserveCapacity(events.count)
        for event in events {
            guard let bound = Self.bound(of: event, scheme: scheme) else { return false }
            bounded.append((bound, event))
        }
        let limits = bounded.filter { if case .limit = $0.event { return true } else { return false } }
        guard limits.isEmpty || limits.contains(where: { point < $0.bound }) else { return false }
        var affected = false
        for (bound, event) in Self.stableSorted(bounded) {
            switch event {
            case .introduced: if point >= bound { affected = true }
            case .fixed: if point >= bound { affected = false }
            case .lastAffected: if point > bound { affected = false }
            case .limit: break
            }
        }
        return affected
    }

    private static func bound(of event: OSVEvent, scheme: VersionScheme) -> Bound? {
        switch event {
        case .introduced("0"): return .minimum
        case .limit(let version) where version.contains("*"): return .infinity
        default: return scheme.key(event.version).map(Bound.version)
        }
    }

    private static func stableSorted(_ items: [(bound: Bound, event: OSVEvent)]) -> [(bound: Bound, event: OSVEvent)] {
        items.enumerated().sorted { left, right in
            left.element.bound != right.element.bound
                ? left.element.bound < right.element.bound : left.offset < right.offset
        }.map(\.element)
    }
}
