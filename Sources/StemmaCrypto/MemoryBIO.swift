internal import COpenSSL

/// A read-only or writable OpenSSL memory BIO with one Swift owner.
struct MemoryBIO: ~Copyable {
    let bio: OpaquePointer  // BIO *

    /// A BIO that reads a copy of `bytes` (the copy keeps the bytes alive as long as the BIO).
    init?(reading bytes: [UInt8]) {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        let written = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32($0.count)) }
        guard written == Int32(bytes.count) || bytes.isEmpty else {
            BIO_free(bio)
            return nil
        }
        self.bio = bio
    }

    /// An empty BIO to write into.
    init?() {
        guard let bio = BIO_new(BIO_s_mem()) else { return nil }
        self.bio = bio
    }

    deinit { BIO_free(bio) }

    /// Everything written so far.
    func contents() -> [UInt8] {
        var pointer: UnsafeMutablePointer<CChar>?
        let length = COpenSSL_BIO_get_mem_data(bio, &pointer)
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}
