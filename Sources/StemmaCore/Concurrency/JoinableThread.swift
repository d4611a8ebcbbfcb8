#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A POSIX thread running one closure, joined explicitly.
///
/// Stemma uses this instead of Foundation's `Thread` so the command-line tool does not load Foundation and ICU
/// at start-up (they cost most of its start-up time).
public struct JoinableThread: ~Copyable {
    private let thread: pthread_t

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts `body` on a new thread with a small stack.
    /// - Returns: nil if the system could not create a thread.
    public init?(stackSize: Int = 1 << 18, _ body: @escaping @Sendable () -> Void) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            return nil
        }
        self.thread = thread
    }

    /// Waits for the thread to finish.
    public consuming func join() {
        pthread_join(thread, nil)
    }
}

/// The number of processors available to this process.
public enum ProcessorCount {
    /// Online processors, at least 1.
    public static var online: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
