import Dispatch
import StemmaCore
import StemmaInventory
import StemmaVerification

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress display on stderr, shown only on a terminal and only for work that takes longer than a
/// delay (half a second for hashing, a second for reading an inventory).
final class ProgressLine: @unchecked Sendable {
    // @unchecked Sendable: `running` is written by the owner only in `stop()`, which then joins the thread.
    private let describe: @Sendable () -> String
    private let label: String
    private let delayTicks: Int
    private var running = true
    private var thread: JoinableThread?

    /// Starts the hashing display if stderr is a terminal; otherwise does nothing. `label` names a path given on
    /// the command line, so it is shown escaped (``TerminalText``).
    convenience init(progress: HashProgress, label: String) {
        self.init(label: label, delayTicks: 5) {
            let done = progress.bytesDone
            let total = progress.bytesTotal
            var line = ByteCount.describe(done)
            if total > 0 { line += " of \(ByteCount.describe(total)) (\(done * 100 / max(total, 1))%)" }
            return line
        }
    }

    /// Starts the inventory display (files read, recognised, warnings) after a second.
    convenience init(inventory progress: InventoryProgress, label: String) {
        self.init(label: label, delayTicks: 10) { progress.summary }
    }

    private init(label: String, delayTicks: Int, describe: @escaping @Sendable () -> String) {
        self.describe = describe
        self.label = label.terminalEscaped
        self.delayTicks = delayTicks
        guard Terminal.progressOnStandardError else { return }
        thread = JoinableThread { [self] in loop() }
    }

    private func loop() {
        var ticks = 0
        var shown = false
        while running {
            usleep(100_000)
            ticks += 1
            guard running, ticks >= delayTicks else { continue }
            FileOutput.standardError.write("\r\u{1B}[K\(label): \(describe())")
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
