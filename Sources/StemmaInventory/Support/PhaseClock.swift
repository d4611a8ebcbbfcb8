import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Prints how long each phase took to stderr when `STEMMA_PHASES` is set: how the numbers in the README's
/// performance notes were taken, and how a user can see where a slow inventory spends its time.
struct PhaseClock {
    private let enabled = getenv("STEMMA_PHASES") != nil
    private var last = MonotonicClock.seconds()

    mutating func mark(_ phase: String) {
        guard enabled else { return }
        let current = MonotonicClock.seconds()
        let line = "stemma: phase \(phase): \(Int((current - last) * 1000)) ms\n"
        var bytes = Array(line.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        last = current
    }
}
