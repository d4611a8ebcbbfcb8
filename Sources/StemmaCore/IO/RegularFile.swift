#if canImport(Glibc)
    import Glibc
#endif

/// An open regular file: the one way Stemma opens a file it reads, whether the path came from the command line, a
/// trust-roots folder, an inventory or a model.
///
/// The file is opened with `O_NONBLOCK` before anything is known about it, because a blocking open of a named pipe
/// waits for a writer forever: a `model.sig` that is a FIFO would hang `verify`. The open descriptor (not the
/// path, which can change between a `stat` and an `open`) is then checked with `fstat`, and anything but a regular
/// file is closed and refused with an error that says what it is. For a regular file `O_NONBLOCK` changes nothing,
/// but it is cleared so later reads have ordinary semantics.
///
/// The descriptor is closed when the value goes away, unless ``release()`` hands it to a new owner.
public struct RegularFile: ~Copyable {
    /// The open descriptor (read only, close-on-exec).
    public let descriptor: Int32
    /// The file's size when it was opened (`fstat` of the descriptor).
    public let size: Int64
    /// The file's modification time when it was opened, in nanoseconds since 1970.
    public let modificationTime: Int64

    /// Why a file could not be opened as a regular file, for callers that report rather than throw.
    public enum Failure: Error, Sendable, Equatable {
        /// A system call failed (`operation` is `open` or `stat`); `errno` says why.
        case system(operation: String, errno: Int32)
        /// The path names something else; `kind` says what ("a named pipe (FIFO)").
        case notRegular(kind: String)

        /// The reason as a phrase that follows a quoted path.
        public var reason: String {
            switch self {
            case .system(let operation, let code):
                "could not be \(operation == "open" ? "opened" : "examined"): \(SystemCallError(errno: code))"
            case .notRegular(let kind): "is \(kind), not a regular file"
            }
        }
    }

    /// Opens the regular file at `path`.
    /// - Parameters:
    ///   - path: the file.
    ///   - followLinks: false to refuse a symbolic link as the last component (`O_NOFOLLOW`).
    /// - Throws: ``StemmaError`` `.io` naming the path: it cannot be opened, or it is a FIFO, socket, device or
    ///   folder ("'p' is a named pipe (FIFO), not a regular file").
    public init(path: String, followLinks: Bool = true) throws(StemmaError) {
        try self.init(rawPath: Array(path.utf8), display: path, followLinks: followLinks)
    }

    /// Opens the regular file whose path is `rawPath` (bytes that need not be UTF-8); `display` names it in errors.
    /// - Throws: ``StemmaError`` `.io` naming `display`, as ``init(path:followLinks:)``.
    public init(rawPath: [UInt8], display: String, followLinks: Bool = true) throws(StemmaError) {
        do {
            try self.init(opening: rawPath, followLinks: followLinks)
        } catch {
            switch error {
            case .system(let operation, let code): throw StemmaError.io(operation, display, errno: code)
            case .notRegular: throw StemmaError(.io, "'\(display)' \(error.reason)")
            }
        }
    }

    /// Opens the regular file whose path is `rawPath`, reporting a failure as a value the caller can inspect.
    /// - Parameters:
    ///   - rawPath: the path, relative to `directory` when it does not start with `/`.
    ///   - directory: an open folder (`openat`; nil for the working folder): a name in it is resolved as one path component instead of a
    ///     whole path, which is what a walk over 150,000 files wants.
    ///   - followLinks: false to refuse a symbolic link as the last component (`O_NOFOLLOW`).
    ///   - positionalReadsOnly: true when the caller only uses `pread`: `O_NONBLOCK` then stays set (it changes
    ///     nothing for a regular file's reads), saving the two `fcntl` calls that clear it.
    /// - Throws: ``Failure``.
    public init(
        opening rawPath: [UInt8], in directory: Int32? = nil, followLinks: Bool = true,
        positionalReadsOnly: Bool = false
    ) throws(Failure) {
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followLinks ? 0 : O_NOFOLLOW)
        var descriptor: Int32
        repeat {
            descriptor = (rawPath + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { Glibc.openat(directory ?? AT_FDCWD, $0.baseAddress!, flags) }
            }
        } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw .system(operation: "open", errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw .system(operation: "stat", errno: code)
        }
        guard status.st_mode & S_IFMT == S_IFREG else {
            Glibc.close(descriptor)
            throw .notRegular(kind: Self.kind(of: status.st_mode))
        }
        if !positionalReadsOnly {
            let current = fcntl(descriptor, F_GETFL)
            if current >= 0 { _ = fcntl(descriptor, F_SETFL, current & ~O_NONBLOCK) }
        }
        self.descriptor = descriptor
        self.size = Int64(status.st_size)
        self.modificationTime = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
    }

    deinit { Glibc.close(descriptor) }

    /// Hands the descriptor to the caller, who closes it from then on.
    public consuming func release() -> Int32 {
        let descriptor = self.descriptor
        discard self
        return descriptor
    }

    /// What a file of mode `mode` is, as a noun phrase for messages: "a named pipe (FIFO)", "a socket", ….
    public static func kind(of mode: UInt32) -> String {
        switch mode_t(mode) & S_IFMT {
        case S_IFREG: "a regular file"
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFSOCK: "a socket"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFLNK: "a symbolic link"
        default: "a special file"
        }
    }
}
