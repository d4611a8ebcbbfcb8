import StemmaArchive
import StemmaCore
import StemmaCrypto

/// What `stemma --version` prints: Stemma's version, the OpenSSL and libarchive it runs on (a bug report needs
/// them: verification and archive reading depend on both), and how it was built.
enum VersionText {
    static var full: String {
        """
        stemma \(StemmaVersion.current)
        \(CryptoLibraryVersion.current)
        \(ArchiveLibraryVersion.current)
        build: \(configuration), Swift \(compiler), \(platform)
        """
    }

    private static var configuration: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }

    private static var compiler: String {
        #if compiler(>=6.4)
            ">=6.4"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6.x"
        #endif
    }

    private static var platform: String {
        #if os(Linux) && arch(x86_64)
            "Linux x86_64"
        #elseif os(Linux) && arch(arm64)
            "Linux arm64"
        #elseif os(macOS)
            "macOS"
        #else
            "unknown platform"
        #endif
    }
}
