#if canImport(Glibc)
    import Glibc
#endif

/// Whole writes to a file descriptor (no buffering: what `write` returns has reached the descriptor).
public struct FileOutput: Sendable {
    /// The descriptor written to.
    public let descriptor: Int32
    /// Standard output.
    public static let standardOutput = FileOutput(descriptor: 1)
    /// Standard error.
    public static let standardError = FileOutput(descriptor: 2)

    /// Output to `descriptor`.
    public init(descriptor: Int32) { self.descriptor = descriptor }

    /// Writes all of `text`, retrying after signals; false when the descriptor refused it.
    @discardableResult
    public func write(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes {
                Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}
