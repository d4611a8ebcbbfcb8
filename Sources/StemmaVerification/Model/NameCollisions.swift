import Foundation
import StemmaCore

/// Finds names that differ in bytes but unpack onto one file or folder where the file system compares names
/// loosely: canonically equivalent (NFC and NFD spellings of `café`), compatibility-equivalent (NFKC: U+212A KELVIN
/// SIGN and `K`, `ﬁ` and `fi`) or equal under full case folding (`Config.json` and `config.json`, `ß` and `ss`).
///
/// macOS (APFS, HFS+) and Windows (NTFS) put such names on one file, so a bundle holding both can verify on Linux
/// while a Mac or Windows loader gets whichever was unpacked last. Names are compared component by component, so a
/// folder spelled two ways is found even when the files below it differ.
///
/// Pure and linear: every component is folded once and looked up once in a trie of folded components (a
/// dictionary keyed by parent and folded component), so the work is proportional to the total length of the names.
struct NameCollisions {
    /// Two paths (each up to the component that collides) that name one file or folder on such file systems.
    struct Collision: Equatable {
        var first: String
        var second: String
    }

    private struct Key: Hashable {
        var parent: Int
        var folded: ExactName
    }

    private struct Node {
        var id: Int
        /// The component as first seen, and its path from the root.
        var spelling: ExactName
        var path: Substring
    }

    private var nodes: [Key: Node] = [:]
    private var reported = Set<ExactName>()
    private(set) var collisions: [Collision] = []
    /// Components folded and looked up so far: the work done, for tests that prove the check stays linear.
    private(set) var lookups = 0

    /// Collisions among `names` (model-relative, `/`-separated), each pair once, in the order found.
    static func find(_ names: some Sequence<String>) -> [Collision] {
        var check = NameCollisions()
        for name in names { check.add(name) }
        return check.collisions
    }

    /// Adds one name, recording any collision with a name added before.
    mutating func add(_ name: String) {
        var parent = 0
        var start = name.utf8.startIndex
        while start <= name.utf8.endIndex {
            let end = name.utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? name.utf8.endIndex
            let component = Substring(name.utf8[start..<end])
            let path = Substring(name.utf8[..<end])
            lookups += 1
            let key = Key(parent: parent, folded: ExactName(Self.folded(component)))
            if let existing = nodes[key] {
                if existing.spelling != ExactName(String(component)), reported.insert(ExactName(String(path))).inserted
                {
                    collisions.append(Collision(first: String(existing.path), second: String(path)))
                }
                parent = existing.id
            } else {
                let id = nodes.count + 1
                nodes[key] = Node(id: id, spelling: ExactName(String(component)), path: path)
                parent = id
            }
            guard end < name.utf8.endIndex else { break }
            start = name.utf8.index(after: end)
        }
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
