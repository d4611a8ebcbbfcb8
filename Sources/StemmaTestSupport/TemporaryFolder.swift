import Foundation

/// A fresh folder under the system temporary directory, removed when the value is deinitialised.
/// Sendable as the compiler proves it: its one stored property is an immutable `String`.
public final class TemporaryFolder: Sendable {
    /// The folder's absolute path.
    public let path: String

    /// Creates an empty folder.
    public init() throws {
        let template = NSTemporaryDirectory() + "stemma-test-XXXXXX"
        var bytes = Array(template.utf8CString)
        guard mkdtemp(&bytes) != nil else { throw TestSupportError("mkdtemp failed") }
        path = String(decoding: bytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The absolute path of `relative` inside the folder.
    public func url(_ relative: String) -> String { path + "/" + relative }

    /// Writes `bytes` at `relative`, creating parent folders.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let full = url(relative)
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: full, contents: Data(bytes)) else {
            throw TestSupportError("could not write \(full)")
        }
        return full
    }

    /// Writes UTF-8 text at `relative`.
    @discardableResult
    public func write(_ relative: String, _ text: String) throws -> String {
        try write(relative, Array(text.utf8))
    }

    /// Reads the bytes at `relative`.
    public func read(_ relative: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url(relative)) else {
            throw TestSupportError("no file \(relative)")
        }
        return [UInt8](data)
    }
}

/// A failure in test set-up, with a message.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
