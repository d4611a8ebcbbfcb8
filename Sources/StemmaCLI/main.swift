import ArgumentParser
import StemmaCore

#if canImport(Glibc)
    import Glibc
#endif

// Exit codes are part of the contract: 0 done/verified, 1 not verified, 2 could not do the job. Argument-parser
// would use 64 for usage errors, so errors are mapped here.
do {
    var command = try StemmaCommand.parseAsRoot()
    QuietMode.set((command as? any QuietCommand)?.isQuiet ?? false)
    try command.run()
} catch let error as StemmaError {
    Diagnostics.error(error.description)
    exit(2)
} catch let code as ExitCode {
    exit(code.rawValue)
} catch {
    let status = StemmaCommand.exitCode(for: error)
    if status == .success {
        StemmaCommand.exit(withError: error)  // --help, --version
    }
    Diagnostics.lines(UsageHints.message(for: error, arguments: Array(CommandLine.arguments.dropFirst())))
    exit(2)
}
