internal import COpenSSL
import StemmaCore

/// One-time OpenSSL start-up and error-queue capture.
enum OpenSSLRuntime {
    /// Runs `OPENSSL_init_crypto` once; without it OpenSSL's error strings come back blank.
    static let initialized: Bool = {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_LOAD_CRYPTO_STRINGS), nil) == 1
    }()

    /// Makes sure OpenSSL is initialised; cheap after the first call.
    static func ensureInitialized() { _ = initialized }

    /// Drains this thread's OpenSSL error queue into one line of text.
    static func drainErrors() -> String {
        var messages: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no detail from OpenSSL" : messages.joined(separator: "; ")
    }

    /// A crypto error whose underlying error is OpenSSL's queue at this moment.
    static func error(_ message: String) -> StemmaError {
        StemmaError(.crypto, message, underlying: LibraryDiagnostic(drainErrors()))
    }

    /// Clears the queue so a later failure reports only its own errors.
    static func clearErrors() { ERR_clear_error() }
}
