import StemmaCore
import StemmaVerification
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line hashing progress display on stderr, shown only on a terminal and only for work that takes more
/// than half a second.
///
/// The drawing thread shares only a ``Display`` with its owner (Sendable: the progress counters and an atomic
/// flag), so nothing here needs `@unchecked Sendable`.
final class ProgressLine {
    private let display: Display
    private var thread: JoinableThread?

    /// What the drawing thread reads: the counters, the label, and whether to keep going.
    private final class Display: Sendable {
        let progress: HashProgress
        let label: String
        let running = Atomic<Bool>(true)

        init(progress: HashProgress, label: String) {
            self.progress = progress
            self.label = label
        }

        func loop() {
            var ticks = 0
            var shown = false
            while running.load(ordering: .acquiring) {
                usleep(100_000)
                ticks += 1
                guard running.load(ordering: .acquiring), ticks >= 5 else { continue }
                let done = progress.bytesDone
                let total = progress.bytesTotal
                var line = "\(label): \(ByteCount.describe(done))"
                if total > 0 { line += " of \(ByteCount.describe(total)) (\(done * 100 / max(total, 1))%)" }
                FileOutput.standardError.write("\r\u{1B}[K" + line)
                shown = true
            }
            if shown { FileOutput.standardError.write("\r\u{1B}[K") }
        }
    }

    /// Starts the display if stderr is a terminal; otherwise does nothing. `label` names a path given on the command
    /// line, so it is shown escaped (``TerminalText``).
    init(progress: HashProgress, label: String) {
        display = Display(progress: progress, label: label.terminalEscaped)
        guard Terminal.progressOnStandardError else { return }
        let display = self.display
        thread = JoinableThread { display.loop() }
    }

    /// Stops and clears the line.
    func stop() {
        guard let thread = thread.take() else { return }
        display.running.store(false, ordering: .releasing)
        thread.join()
    }
}
