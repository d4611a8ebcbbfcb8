#if canImport(Glibc)
    import Glibc
#endif

/// Path questions answered by the system, shared by the model scanner, the inventory walker and trust roots.
public enum FileSystemPath {
    /// The canonical absolute path (`realpath`): links resolved, `.` and `..` removed; nil if it does not exist.
    public static func resolved(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The folder part of a path, by its text: `.` for a bare name, `/` for a name at the root.
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// Monotonic time, for durations in reports and phase timings.
public enum MonotonicClock {
    /// Seconds since an arbitrary fixed point; only differences mean anything.
    public static func seconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
