import Dispatch
import StemmaCore
import StemmaVerification

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line hashing progress display on stderr, shown only on a terminal and only for work that takes more
/// than half a second.
final class ProgressLine: @unchecked Sendable {
    // @unchecked Sendable: `running` is written by the owner only in `stop()`, which then joins the thread.
    private let progress: HashProgress
    private let label: String
    private var running = true
    private var thread: JoinableThread?

    /// Starts the display if stderr is a terminal; otherwise does nothing. `label` names a path given on the command
    /// line, so it is shown escaped (``TerminalText``).
    init(progress: HashProgress, label: String) {
        self.progress = progress
        self.label = label.terminalEscaped
        guard Terminal.progressOnStandardError else { return }
        thread = JoinableThread { [self] in loop() }
    }

    private func loop() {
        var ticks = 0
        var shown = false
        while running {
            usleep(100_000)
            ticks += 1
            guard running, ticks >= 5 else { continue }
            let done = progress.bytesDone
            let total = progress.bytesTotal
            var line = "\(label): \(ByteCount.describe(done))"
            if total > 0 { line += " of \(ByteCount.describe(total)) (\(done * 100 / max(total, 1))%)" }
            FileOutput.standardError.write("\r\u{1B}[K" + line)
            shown = true
        }
        if shown { FileOutput.standardError.write("\r\u{1B}[K") }
    }

    /// Stops and clears the line.
    func stop() {
        guard let thread = thread.take() else { return }
        running = false
        thread.join()
    }
}
