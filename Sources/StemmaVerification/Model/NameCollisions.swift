import Foundation
import StemmaCore

/// Finds names that differ in bytes but unpack onto one file or folder where the file system compares names
/// loosely: canonically equivalent (NFC and NFD spellings of `café`), compatibility-equivalent (NFKC: U+212A KELVIN
/// SIGN and `K`, `ﬁ` and `fi`) or equal under full case folding (`Config.json` and `config.json`, `ß` and `ss`).
///
/// macOS (APFS, HFS+) and Windows (NTFS) put such names on one file, so a bundle holding both can verify on Linux
/// while a Mac or Windows loader gets whichever was unpacked last. Folders count as names too (`Weights/a.bin` and
/// `weights/b.bin` share a folder there; a file `B` and a folder `b` cannot both exist), and a collision is reported
/// once, at the shallowest folder where it happens.
///
/// Pure and linear: every distinct folder and every file is folded once (component by component, so a folded `／`
/// cannot pose as a separator) and looked up once, so the work is proportional to the total length of the names.
struct NameCollisions {
    /// Two paths (each up to the component that collides) that name one file or folder on such file systems.
    struct Collision: Equatable {
        var first: String
        var second: String
    }

    /// Folded path → the first exact path seen with it.
    private var folded: [ExactName: String] = [:]
    /// Exact folder path → whether it, or a folder above it, collides (so names below are not reported again).
    private var folders: [ExactName: Bool] = [:]
    private(set) var collisions: [Collision] = []
    /// Folded paths looked up so far: the work done, for tests that prove the check stays linear.
    private(set) var lookups = 0

    /// Collisions among `names` (model-relative, `/`-separated), each once, in the order found.
    static func find(_ names: some Sequence<String>) -> [Collision] {
        var check = NameCollisions()
        for name in names { check.add(name) }
        return check.collisions
    }

    /// Adds one name, recording any collision with a name (or folder) added before.
    mutating func add(_ name: String) {
        let above = folder(containing: Substring(name))
        _ = register(Substring(name), collidesAbove: above)
    }

    /// Whether the folder holding `path` (or one above it) collides; registers every folder not seen before,
    /// shallowest first.
    private mutating func folder(containing path: Substring) -> Bool {
        var unseen: [Substring] = []
        var flag = false
        var current = Self.parent(of: path)
        while let folder = current {
            if let known = folders[ExactName(String(folder))] {
                flag = known
                break
            }
            unseen.append(folder)
            current = Self.parent(of: folder)
        }
        for folder in unseen.reversed() {
            flag = register(folder, collidesAbove: flag) || flag
            folders[ExactName(String(folder))] = flag
        }
        return flag
    }

    /// Records `path` under its folded key; true when another spelling holds the key. Reported unless a folder
    /// above already was.
    private mutating func register(_ path: Substring, collidesAbove: Bool) -> Bool {
        lookups += 1
        let key = ExactName(Self.foldedPath(path))
        guard let first = folded[key] else {
            folded[key] = String(path)
            return false
        }
        guard !first.isExactly(path) else { return false }
        if !collidesAbove { collisions.append(Collision(first: first, second: String(path))) }
        return true
    }

    private static func parent(of path: Substring) -> Substring? {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        return Substring(path.utf8[..<slash])
    }

    /// The folded key of a whole path: ASCII lowercased in one pass; otherwise each component folded, with any
    /// `/` a component folds to (FULLWIDTH SOLIDUS) turned into NUL, which no name holds.
    static func foldedPath(_ path: Substring) -> String {
        if path.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(unsafeUninitializedCapacity: path.utf8.count) { buffer in
                var count = 0
                for byte in path.utf8 {
                    buffer[count] = (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
                    count += 1
                }
                return count
            }
        }
        return path.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
            .map { component in
                var text = ""
                text.unicodeScalars.append(
                    contentsOf: folded(Substring(component)).unicodeScalars.map { $0 == "/" ? "\u{0}" : $0 })
                return text
            }
            .joined(separator: "/")
    }

    /// The key two components share when a case-insensitive, normalising file system treats them as one name:
    /// NFKC, full case folding, NFKC again (folding can produce text that is not NFKC). ASCII needs only lowercasing.
    static func folded(_ component: Substring) -> String {
        if component.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(decoding: component.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        let compatible = String(component).precomposedStringWithCompatibilityMapping
        return compatible.folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCompatibilityMapping
    }

    /// `name` with every non-ASCII character written as `\u{XXXX}`, so two spellings that look alike can be told
    /// apart in a message.
    static func spelledOut(_ name: String) -> String {
        var text = ""
        for scalar in name.unicodeScalars {
            if scalar.isASCII {
                text.unicodeScalars.append(scalar)
            } else {
                text += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return text
    }
}

extension NameCollisions.Collision {
    /// The `integrity.ambiguous-name` finding for this pair, found in `place` ("the model", "the signature").
    func finding(in place: String) -> Finding {
        var message =
            "'\(first)' and '\(second)' in \(place) are different names that unpack onto one file where names are "
            + "compared without case or Unicode form (macOS, Windows)"
        let spelled = (NameCollisions.spelledOut(first), NameCollisions.spelledOut(second))
        if !spelled.0.isExactly(first) || !spelled.1.isExactly(second) { message += ": \(spelled.0) vs \(spelled.1)" }
        return Finding(.ambiguousName, message, path: second)
    }
}
