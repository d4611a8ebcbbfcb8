import StemmaCore
import StemmaCrypto

/// Serial numbers (`urn:uuid:…`) for BOMs: derived from content so the same input gives the same BOM.
public enum BOMSerialNumber {
    /// A UUID in the RFC 9562 version-8 ("custom") layout whose bits are the first 16 bytes of the SHA-256 of
    /// `content`, written lowercase as CycloneDX's pattern requires.
    public static func derived(from content: [UInt8]) -> String {
        // SHA-256 through OpenSSL cannot fail for in-memory bytes; an all-zero serial would only mark a broken build.
        var bytes = Array(((try? Digest.compute(.sha256, content)) ?? [UInt8](repeating: 0, count: 32)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 4122/9562 variant
        let hex = Hex.encode(bytes)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
            String(hex.dropFirst(range.lowerBound).prefix(range.count))
        }
        return "urn:uuid:" + groups.joined(separator: "-")
    }

    /// Whether `text` is a `urn:uuid:` serial number CycloneDX accepts (lowercase hex, 8-4-4-4-12).
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix("urn:uuid:") else { return false }
        let uuid = Array(text.dropFirst("urn:uuid:".count).utf8)
        guard uuid.count == 36 else { return false }
        for (position, byte) in uuid.enumerated() {
            if [8, 13, 18, 23].contains(position) {
                if byte != UInt8(ascii: "-") { return false }
            } else if !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                && !(UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            {
                return false
            }
        }
        return true
    }
}
