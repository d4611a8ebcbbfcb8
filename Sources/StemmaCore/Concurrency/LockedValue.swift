import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A value shared between threads behind a `Mutex`, with every hand-over of the lock made visible to
/// ThreadSanitizer.
///
/// On Linux, `Mutex` hands a contended lock from one thread to the next inside the kernel (a priority-inheritance
/// futex), where ThreadSanitizer cannot see it; a TSan build then reports a race between two critical sections of
/// the same lock (seen in `make test`'s TSan step before this type existed). Each critical section here also tells
/// TSan that it acquires and releases the lock (`__tsan_acquire`/`__tsan_release`, found at start-up in TSan builds
/// and absent, so a no-op, everywhere else), so TSan checks the code inside it instead of flagging it.
public final class LockedValue<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    /// Creates the value.
    public init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with the value, holding the lock.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        let token = UnsafeRawPointer(Unmanaged.passUnretained(self).toOpaque())
        return try mutex.withLock { value in
            ThreadSanitizerHooks.acquire?(token)
            defer { ThreadSanitizerHooks.release?(token) }
            return try body(&value)
        }
    }

    /// A copy of the value.
    public var value: Value { withLock { $0 } }
}

/// ThreadSanitizer's annotation entry points, present only when the process runs with TSan.
enum ThreadSanitizerHooks {
    typealias Annotation = @convention(c) (UnsafeRawPointer?) -> Void

    static let acquire = lookUp("__tsan_acquire")
    static let release = lookUp("__tsan_release")

    private static func lookUp(_ name: String) -> Annotation? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: Annotation.self)
    }
}
