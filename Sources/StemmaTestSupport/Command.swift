import Foundation

/// Runs a program and collects its exit status and output.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

public enum Command {
    /// Runs `executable` with `arguments` (looked up on PATH when not absolute), waits, and returns the result.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], in folder: String? = nil) throws
        -> CommandResult
    {
        let process = Process()
        if executable.hasPrefix("/") || executable.hasPrefix(".") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes before waiting so a chatty child cannot fill a pipe and block.
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a command that must succeed, returning its standard output.
    @discardableResult
    public static func succeed(_ executable: String, _ arguments: [String], in folder: String? = nil) throws -> String {
        let result = try run(executable, arguments, in: folder)
        guard result.status == 0 else {
            throw TestSupportError(
                "\(executable) \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.standardError)")
        }
        return result.standardOutput
    }
}

/// Keys for tests, made with the `openssl` command-line tool (an independent producer).
public enum TestKeys {
    /// Generates a private key PEM at `folder/name.pem` and its public key at `folder/name.pub.pem`.
    /// - Parameter algorithm: `P-256`, `P-384`, `P-521`, `ED25519` or `RSA`.
    @discardableResult
    public static func generate(_ algorithm: String, named name: String, in folder: TemporaryFolder) throws -> (
        private: String, public: String
    ) {
        let privatePath = folder.url(name + ".pem")
        let publicPath = folder.url(name + ".pub.pem")
        switch algorithm {
        case "ED25519": try Command.succeed("openssl", ["genpkey", "-algorithm", "ED25519", "-out", privatePath])
        case "RSA":
            try Command.succeed(
                "openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", privatePath])
        default:
            try Command.succeed(
                "openssl",
                ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:\(algorithm)", "-out", privatePath])
        }
        try Command.succeed("openssl", ["pkey", "-in", privatePath, "-pubout", "-out", publicPath])
        return (privatePath, publicPath)
    }
}

/// Where the built `stemma` executable is: `$STEMMA` if set, else beside the running test bundle.
public enum BuiltProducts {
    /// The repository root, from a test file's `#filePath` (`Tests/TARGET/File.swift`).
    public static func repositoryRoot(testFile: String = #filePath) -> String {
        URL(fileURLWithPath: testFile).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    public static func stemma() throws -> String {
        if let override = ProcessInfo.processInfo.environment["STEMMA"], !override.isEmpty { return override }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var folder = (executable as NSString).deletingLastPathComponent
        // The test runner may live inside a .xctest bundle folder.
        if folder.hasSuffix(".xctest") { folder = (folder as NSString).deletingLastPathComponent }
        let candidate = folder + "/stemma"
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw TestSupportError(
                "the stemma executable is not at \(candidate); run `swift build` first or set STEMMA")
        }
        return candidate
    }
}
