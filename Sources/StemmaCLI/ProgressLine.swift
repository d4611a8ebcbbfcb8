import StemmaCore
import StemmaInventory
import StemmaVerification
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress display on stderr, shown only on a terminal and only for work that takes longer than a
/// delay (half a second for hashing, a second for reading an inventory).
///
/// The drawing thread shares only a ``Display`` with its owner (Sendable: a Sendable description of the counters,
/// and an atomic flag), so nothing here needs `@unchecked Sendable`.
final class ProgressLine {
    private let display: Display
    private var thread: JoinableThread?

    /// What the drawing thread reads: the label, how to describe the progress, and whether to keep going.
    private final class Display: Sendable {
        let label: String
        let delayTicks: Int
        let describe: @Sendable () -> String
        let running = Atomic<Bool>(true)

        init(label: String, delayTicks: Int, describe: @escaping @Sendable () -> String) {
            self.label = label
            self.delayTicks = delayTicks
            self.describe = describe
        }

        func loop() {
            var ticks = 0
            var shown = false
            while running.load(ordering: .acquiring) {
                usleep(100_000)
                ticks += 1
                guard running.load(ordering: .acquiring), ticks >= delayTicks else { continue }
                FileOutput.standardError.write("\r\u{1B}[K\(label): \(describe())")
                shown = true
            }
            if shown { FileOutput.standardError.write("\r\u{1B}[K") }
        }
    }

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
        display = Display(label: label.terminalEscaped, delayTicks: delayTicks, describe: describe)
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
