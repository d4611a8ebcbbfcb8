import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writing to the terminal: results on stdout, diagnostics and progress on stderr.
enum Diagnostics {
    static func plain(_ text: String) {
        FileOutput.standardError.write(text + "\n")
    }

    static func error(_ text: String) {
        let style = TextStyle(color: Terminal.colorOnStandardError)
        plain("stemma: \(style.red("error:")) \(text)")
    }
}

/// Whole writes to a file descriptor.
struct FileOutput {
    let descriptor: Int32
    static let standardOutput = FileOutput(descriptor: 1)
    static let standardError = FileOutput(descriptor: 2)

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}

/// Whether colour and progress belong on a stream.
enum Terminal {
    static var noColor: Bool { getenv("NO_COLOR").map { $0.pointee != 0 } ?? false }
    static var colorOnStandardOutput: Bool { isatty(1) == 1 && !noColor }
    static var colorOnStandardError: Bool { isatty(2) == 1 && !noColor }
    static var progressOnStandardError: Bool { isatty(2) == 1 }
}
