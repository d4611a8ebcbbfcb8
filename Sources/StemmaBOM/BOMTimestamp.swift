#if canImport(Glibc)
    import Glibc
#endif

/// `metadata.timestamp`: deterministic, so two runs over the same files give the same bytes.
///
/// Stemma uses the modification time of the newest document the BOM was read from: it changes when an input
/// changes and not otherwise. `--timestamp` fixes it for reproducible builds across checkouts.
enum BOMTimestamp {
    /// The newest modification time (seconds since the epoch) among `paths`; unreadable paths are skipped.
    static func newestModification(of paths: some Sequence<String>) -> Int {
        var newest = 0
        var info = stat()
        for path in paths where stat(path, &info) == 0 { newest = max(newest, Int(info.st_mtim.tv_sec)) }
        return newest
    }

    /// The timestamp of a BOM read from `sources`: their newest modification time; for a document with no source
    /// (an empty inventory, `--allow-empty`) that of the inventory paths themselves, and failing that the current
    /// time, never 1970.
    static func chosen(sources: some Sequence<String>, inputs: [String]) -> String {
        var seconds = newestModification(of: sources)
        if seconds <= 0 { seconds = newestModification(of: inputs) }
        if seconds <= 0 { seconds = Int(time(nil)) }
        return format(seconds: seconds)
    }

    /// `seconds` as RFC 3339 UTC without fractions (`2026-11-27T03:55:55Z`).
    static func format(seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Whether `text` has the shape `YYYY-MM-DDTHH:MM:SSZ` (what `--timestamp` accepts).
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let shape = Array("0000-00-00T00:00:00Z".utf8)
        guard bytes.count == shape.count else { return false }
        for (byte, expected) in zip(bytes, shape) {
            if expected == UInt8(ascii: "0") {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
            } else if byte != expected {
                return false
            }
        }
        return true
    }
}
