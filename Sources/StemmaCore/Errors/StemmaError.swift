/// The one error type Stemma throws: "the job could not be done".
///
/// A failed check is never a `StemmaError`; it is a ``Finding`` in a report. Errors are for unreadable
/// files, malformed input, bad usage and exhausted limits. Every message is a sentence that names its subject
/// (usually a file) and what was wrong with it.
public struct StemmaError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; stable enough to switch on in tests and callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case usage
            case io
            case malformedInput
            case limitExceeded
            case unsupported
            case crypto
            case archive
        }

        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The command line was wrong (missing or conflicting options).
        public static let usage = Code(.usage)
        /// A file or folder could not be read or written.
        public static let io = Code(.io)
        /// An input was not what it claims to be (bad JSON, bad PEM, wrong structure).
        public static let malformedInput = Code(.malformedInput)
        /// A size, depth or count bound was reached; the input is refused rather than trusted.
        public static let limitExceeded = Code(.limitExceeded)
        /// The input uses something Stemma does not implement.
        public static let unsupported = Code(.unsupported)
        /// OpenSSL reported a failure.
        public static let crypto = Code(.crypto)
        /// libarchive reported a failure.
        public static let archive = Code(.archive)

        public var description: String { value.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// A sentence naming the subject and the problem.
    public let message: String
    /// The error underneath, when there is one (for example OpenSSL's error queue text).
    public let underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: a sentence naming the subject and the problem.
    ///   - underlying: the error that caused it, if any.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var description: String {
        guard let underlying else { return message }
        return "\(message): \(underlying)"
    }
}

/// A plain-text detail from a C library (OpenSSL's error queue, libarchive's error string).
public struct LibraryDiagnostic: Error, Sendable, CustomStringConvertible {
    /// The text the library gave.
    public let text: String
    /// Wraps a library's error text.
    public init(_ text: String) { self.text = text }
    public var description: String { text }
}
