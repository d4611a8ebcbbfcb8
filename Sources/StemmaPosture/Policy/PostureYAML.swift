import StemmaCore
internal import Yams

/// A small, bounded view of YAML documents for posture files (policies, front matter, `stemma.yaml`).
///
/// Yams keeps aliases as alias nodes (never expanded), so a "billion laughs" document stays small; node
/// positions give the 1-based line each grant came from.
struct YAMLNode: Sendable {
    enum Shape: Sendable {
        case scalar(String)
        case sequence([YAMLNode])
        case mapping([(String, YAMLNode)])
        case other
    }

    let shape: Shape
    let line: Int?

    static let maxBytes = 4 << 20
    static let maxDepth = 32
    static let maxDocuments = 256

    /// Every document of `bytes`; throws `.malformedInput` naming `source` when the text is not YAML.
    static func documents(_ bytes: [UInt8], source: String) throws(StemmaError) -> [YAMLNode] {
        guard bytes.count <= maxBytes else {
            throw StemmaError(.limitExceeded, "'\(source)' is \(bytes.count) bytes; the limit is \(maxBytes)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw StemmaError(.malformedInput, "'\(source)' is not UTF-8")
        }
        do {
            var result: [YAMLNode] = []
            // `compose_all`'s sequence drops a parse error and just ends, so documents are pulled one by one.
            let parser = try Parser(yaml: text)
            while let node = try parser.nextRoot() {
                guard result.count < maxDocuments else {
                    throw StemmaError(.limitExceeded, "'\(source)' has more than \(maxDocuments) YAML documents")
                }
                result.append(YAMLNode(node, depth: 0))
            }
            return result
        } catch let error as StemmaError {
            throw error
        } catch {
            throw StemmaError(.malformedInput, "'\(source)' is not valid YAML: \(error)")
        }
    }

    private init(_ node: Node, depth: Int) {
        line = node.mark?.line
        guard depth < Self.maxDepth else {
            shape = .other
            return
        }
        switch node {
        case .scalar(let scalar): shape = .scalar(scalar.string)
        case .sequence(let sequence): shape = .sequence(sequence.map { YAMLNode($0, depth: depth + 1) })
        case .mapping(let mapping):
            var pairs: [(String, YAMLNode)] = []
            var seen: Set<String> = []
            for (key, value) in mapping {
                guard let name = key.string, seen.insert(name).inserted else { continue }
                pairs.append((name, YAMLNode(value, depth: depth + 1)))
            }
            shape = .mapping(pairs)
        default: shape = .other
        }
    }

    subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = shape else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    var string: String? {
        if case .scalar(let text) = shape { return text }
        return nil
    }

    var isMapping: Bool {
        if case .mapping = shape { return true }
        return false
    }

    var items: [YAMLNode]? {
        if case .sequence(let items) = shape { return items }
        return nil
    }

    var pairs: [(String, YAMLNode)] {
        if case .mapping(let pairs) = shape { return pairs }
        return []
    }

    /// A list of strings: a sequence of scalars, or one comma-separated scalar (`tools: Read, Grep`).
    var stringList: [String]? {
        switch shape {
        case .sequence(let items): return items.compactMap(\.string)
        case .scalar(let text):
            return text.split(separator: ",").map { String($0).trimmedWhitespace }.filter { !$0.isEmpty }
        default: return nil
        }
    }

    var bool: Bool? {
        switch string?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    var int: Int? { string.flatMap { Int($0) } }
}
