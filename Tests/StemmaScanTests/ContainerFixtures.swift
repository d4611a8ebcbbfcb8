import Foundation
import StemmaArchive
import StemmaCore
import StemmaTestSupport

@testable import StemmaScan

/// Small hand-made pickles, arrays and archives for the container and engine tests.
enum Fixture {
    /// `{}` at protocol 2.
    static let benignPickle: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E]
    /// `os.system("id")` at protocol 2: GLOBAL, BINUNICODE, TUPLE1, REDUCE.
    static let maliciousPickle: [UInt8] =
        [0x80, 0x02] + Array("cos\nsystem\n".utf8) + [0x58, 2, 0, 0, 0] + Array("id".utf8) + [0x85, 0x52, 0x2E]
    /// `os.system("id")` at protocol 0, text only.
    static let protocolZeroPickle = Array("cos\nsystem\n(S'id'\ntR.".utf8)
    /// The first pickle of a legacy `torch.save` file (the magic number), then another pickle and raw bytes.
    static let legacyTorch: [UInt8] =
        [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        + benignPickle + [1, 2, 3, 4, 5, 6, 7, 8]

    /// A 7z archive (written by libarchive, stored) holding `model/data.pkl` = `maliciousPickle`.
    static let sevenZip: [UInt8] = [
        0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x03, 0x94, 0xE6, 0x73, 0xA7, 0x17, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x48, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x49, 0xE0, 0x22, 0x01,
        0x80, 0x02, 0x63, 0x6F, 0x73, 0x0A, 0x73, 0x79, 0x73, 0x74, 0x65, 0x6D, 0x0A, 0x58, 0x02, 0x00,
        0x00, 0x00, 0x69, 0x64, 0x85, 0x52, 0x2E, 0x01, 0x04, 0x06, 0x00, 0x01, 0x09, 0x17, 0x00, 0x07,
        0x0B, 0x01, 0x00, 0x01, 0x01, 0x00, 0x0C, 0x17, 0x00, 0x08, 0x0A, 0x01, 0xF6, 0xDF, 0x7C, 0x54,
        0x00, 0x00, 0x05, 0x01, 0x11, 0x1F, 0x00, 0x6D, 0x00, 0x6F, 0x00, 0x64, 0x00, 0x65, 0x00, 0x6C,
        0x00, 0x2F, 0x00, 0x64, 0x00, 0x61, 0x00, 0x74, 0x00, 0x61, 0x00, 0x2E, 0x00, 0x70, 0x00, 0x6B,
        0x00, 0x6C, 0x00, 0x00, 0x00, 0x15, 0x06, 0x01, 0x00, 0x20, 0x80, 0xA4, 0x81, 0x00, 0x00,
    ]

    /// Whether the real pickle scanner has replaced the stand-in (it calls `maliciousPickle` dangerous).
    static let pickleScannerLanded =
        PickleScanner(profile: .plain).scan(ScanInput(bytes: maliciousPickle, path: "probe")).verdict == .dangerous

    /// An `.npy` file with the given header dict literal and data.
    static func npy(_ header: String, data: [UInt8]) -> [UInt8] {
        var text = Array(header.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
    }

    /// Raw deflate of `bytes`, made by the system `gzip` (its stream minus the 10-byte header and 8-byte trailer).
    static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = try TemporaryFolder()
        try folder.write("member", bytes)
        try Command.run("gzip", ["-n", "-9", folder.url("member")])
        let gzip = try folder.read("member.gz")
        return Array(gzip[10..<(gzip.count - 8)])
    }

    /// Gzip of `bytes` by the system `gzip`.
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let folder = try TemporaryFolder()
        try folder.write("member", bytes)
        try Command.run("gzip", ["-n", folder.url("member")])
        return try folder.read("member.gz")
    }
}

/// One member of a zip under construction, with knobs to break it.
struct ZipEntry {
    var name: String
    var data: [UInt8]
    var deflate = false
    var crc: UInt32?
    var localName: String?
    var flags: UInt16 = 0
    var externalAttributes: UInt32 = 0
    /// A compression method for the central directory other than the one used (0 or 8).
    var directoryMethod: UInt16?
}

/// Writes minimal zips: local headers, data, a central directory and the end record.
enum ZipWriter {
    static func zip(_ entries: [ZipEntry], prefix: [UInt8] = [], zip64: Bool = false) throws -> [UInt8] {
        var out = prefix
        var directory: [UInt8] = []
        for entry in entries {
            let stored = entry.deflate ? try Fixture.deflate(entry.data) : entry.data
            let crc = entry.crc ?? ZipChecksum.crc32(entry.data)
            let name = Array(entry.name.utf8)
            let localName = Array((entry.localName ?? entry.name).utf8)
            let offset = out.count - prefix.count
            let method: UInt16 = entry.deflate ? 8 : 0
            out += le32(0x0403_4B50) + le16(20) + le16(entry.flags) + le16(method) + le32(0) + le32(crc)
            out += le32(UInt32(stored.count)) + le32(UInt32(entry.data.count)) + le16(UInt16(localName.count)) + le16(0)
            out += localName + stored
            directory += le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(entry.flags)
            directory += le16(entry.directoryMethod ?? method) + le32(0)
            directory += le32(crc) + le32(UInt32(stored.count)) + le32(UInt32(entry.data.count))
            directory += le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0)
            directory += le32(entry.externalAttributes) + le32(UInt32(offset)) + name
        }
        let directoryOffset = out.count - prefix.count
        out += directory
        guard zip64 else {
            out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
            out += le32(UInt32(directory.count)) + le32(UInt32(directoryOffset)) + le16(0)
            return out
        }
        let recordOffset = out.count - prefix.count
        out += le32(0x0606_4B50) + le64(44) + le16(45) + le16(45) + le32(0) + le32(0)
        out += le64(UInt64(entries.count)) + le64(UInt64(entries.count)) + le64(UInt64(directory.count))
        out += le64(UInt64(directoryOffset))
        out += le32(0x0706_4B50) + le32(0) + le64(UInt64(recordOffset)) + le32(1)
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(0xFFFF) + le16(0xFFFF) + le32(0xFFFF_FFFF)
        out += le32(0xFFFF_FFFF) + le16(0)
        return out
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    static func le64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}

/// Writes minimal ustar archives.
enum TarWriter {
    enum Kind { case file([UInt8]), symlink(String), hardLink(String) }

    static func tar(_ entries: [(String, Kind)]) -> [UInt8] {
        var out: [UInt8] = []
        for (name, kind) in entries {
            var header = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int) {
                for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
            }
            put(name, at: 0)
            put("0000644", at: 100)
            put("0000000", at: 108)
            put("0000000", at: 116)
            var data: [UInt8] = []
            switch kind {
            case .file(let bytes):
                data = bytes
                header[156] = UInt8(ascii: "0")
            case .symlink(let target):
                header[156] = UInt8(ascii: "2")
                put(target, at: 157)
            case .hardLink(let target):
                header[156] = UInt8(ascii: "1")
                put(target, at: 157)
            }
            put(octal(data.count, digits: 11), at: 124)
            put("00000000000", at: 136)
            put("ustar", at: 257)
            put("00", at: 263)
            for index in 148..<156 { header[index] = 0x20 }
            let sum = header.reduce(0) { $0 + Int($1) }
            put(octal(sum, digits: 6), at: 148)
            header[154] = 0
            out += header + data
            out += [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    private static func octal(_ value: Int, digits: Int) -> String {
        let text = String(value, radix: 8)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}

extension ModelScanner {
    /// Scans bytes in memory and returns the result with its route trace.
    func scan(bytes: [UInt8], name: String) -> (file: ScannedFile, trace: [ScanRoute]) {
        scanTraced(ScanInput(bytes: bytes, path: name), name: name, modelFolder: nil)
    }
}

extension [ScanRoute] {
    /// The route taken by the input at `member` (`[]` for the file itself), last one recorded.
    func route(_ member: [String]) -> String? { last { $0.member == member }?.route }
}

extension ScannedFile {
    func has(_ code: String, member: [String]? = nil) -> Bool {
        findings.contains { $0.code.rawValue == code && (member == nil || $0.evidence.member == member) }
    }
}
