#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An `errno` from a failed system call, rendered with `strerror`.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    /// The `errno` value.
    public let errno: Int32
    /// Captures an errno value.
    public init(errno: Int32) { self.errno = errno }
    public var description: String { String(cString: strerror(errno)) }
}

extension StemmaError {
    /// An I/O error for `path`, carrying the current `errno`.
    /// - Parameters:
    ///   - action: what was being done, as a verb phrase ("open", "read").
    ///   - path: the file it was done to.
    ///   - errno: the error number from the failed call.
    public static func io(_ action: String, _ path: String, errno: Int32) -> StemmaError {
        StemmaError(.io, "could not \(action) '\(path)'", underlying: SystemCallError(errno: errno))
    }
}
