internal import COpenSSL
public import StemmaCore

/// A streaming hash: update with chunks, then finalise. One owner, never copied.
///
/// A hashing worker keeps one context and calls ``reset()`` between files, so the hot loop allocates nothing.
public struct DigestContext: ~Copyable {
    private let context: OpaquePointer  // EVP_MD_CTX *
    /// The algorithm this context computes.
    public let algorithm: DigestAlgorithm

    /// Creates a context ready for input.
    /// - Throws: ``StemmaError`` (`.crypto`) if OpenSSL cannot allocate or initialise it.
    public init(_ algorithm: DigestAlgorithm) throws(StemmaError) {
        OpenSSLRuntime.ensureInitialized()
        guard let context = EVP_MD_CTX_new() else { throw OpenSSLRuntime.error("could not allocate a digest context") }
        guard EVP_DigestInit_ex(context, algorithm.evpMD, nil) == 1 else {
            EVP_MD_CTX_free(context)
            throw OpenSSLRuntime.error("could not initialise \(algorithm.rawValue)")
        }
        self.context = context
        self.algorithm = algorithm
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes into the hash.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        // EVP_DigestUpdate cannot fail for an initialised software digest.
        _ = EVP_DigestUpdate(context, base, bytes.count)
    }

    /// Feeds an array of bytes into the hash.
    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Finishes the hash and returns the digest; the context is then reset for a new input.
    public mutating func finalize() -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &output, &length)
        reset()
        return Array(output.prefix(Int(length)))
    }

    /// Starts over with no input.
    public mutating func reset() {
        _ = EVP_DigestInit_ex(context, algorithm.evpMD, nil)
    }
}

/// One-shot digests of in-memory bytes.
public enum Digest {
    /// The digest of `bytes` under `algorithm`.
    public static func compute(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) throws(StemmaError) -> [UInt8] {
        var context = try DigestContext(algorithm)
        context.update(bytes)
        return context.finalize()
    }

    /// Lowercase hex SHA-256 of `bytes`.
    public static func sha256Hex(_ bytes: [UInt8]) throws(StemmaError) -> String {
        Hex.encode(try compute(.sha256, bytes))
    }
}
