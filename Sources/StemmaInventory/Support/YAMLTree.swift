internal import CYaml
import StemmaCore

/// A YAML document as plain values, built from libyaml's event API.
///
/// Reading 50,000 model cards, Yams' `compose` spent most of its time resolving tags with ICU regular expressions
/// and checking duplicate keys; the event API with this small tree is many times faster. Only what Stemma reads
/// is kept: scalars as text, sequences and mappings (a duplicate key is an error). Aliases are not expanded (a "billion laughs"
/// document stays small), and depth and node count are bounded.
indirect enum YAMLTree: Sendable {
    case scalar(String)
    case sequence([YAMLTree])
    case mapping([(String, YAMLTree)])
    case empty

    struct Problem: Error {
        let reason: String
        /// A bound (depth, node count) was reached: the document is not malformed, only not read in full.
        var isLimit = false
    }

    static let maxDepth = 64
    static let maxNodes = 1_000_000

    /// Parses the first document of `bytes`; a problem naming the line when it is not valid YAML.
    static func parse(_ bytes: [UInt8]) -> Result<YAMLTree, Problem> {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return .failure(Problem(reason: "could not start the YAML parser"))
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = Builder()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "syntax error"
                    return .failure(
                        Problem(reason: "is not valid YAML (line \(parser.problem_mark.line + 1): \(problem))"))
                }
                defer { yaml_event_delete(&event) }
                switch builder.consume(&event) {
                case .more: continue
                case .done(let tree): return .success(tree)
                case .failed(let reason, let isLimit): return .failure(Problem(reason: reason, isLimit: isLimit))
                }
            }
        }
    }

    /// Builds the tree from events with an explicit stack (no recursion).
    private struct Builder {
        enum Step {
            case more
            case done(YAMLTree)
            case failed(String, isLimit: Bool = false)
        }

        /// An open sequence or mapping. Frames are mutated in place on the stack: popping one, appending and
        /// pushing it back copied the growing list on every item (150,000 tags took minutes).
        struct Frame {
            let isMapping: Bool
            var items: [YAMLTree] = []
            var members: [(String, YAMLTree)] = []
            var pendingKey: String?
            var keys: Set<String> = []
        }

        var stack: [Frame] = []
        var nodes = 0
        var root: YAMLTree?

        mutating func consume(_ event: inout yaml_event_t) -> Step {
            switch event.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let text =
                    scalar.value.map {
                        String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self)
                    } ?? ""
                return add(.scalar(text))
            case YAML_ALIAS_EVENT:
                return add(.empty)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < YAMLTree.maxDepth else {
                    return .failed("nests deeper than \(YAMLTree.maxDepth) levels", isLimit: true)
                }
                stack.append(Frame(isMapping: event.type == YAML_MAPPING_START_EVENT))
                return .more
            case YAML_SEQUENCE_END_EVENT:
                guard let frame = stack.popLast(), !frame.isMapping else { return .failed("is not valid YAML") }
                return add(.sequence(frame.items))
            case YAML_MAPPING_END_EVENT:
                guard let frame = stack.popLast(), frame.isMapping else { return .failed("is not valid YAML") }
                return add(.mapping(frame.members))
            case YAML_DOCUMENT_END_EVENT, YAML_STREAM_END_EVENT:
                return .done(root ?? .empty)
            default:
                return .more
            }
        }

        private mutating func add(_ node: YAMLTree) -> Step {
            nodes += 1
            guard nodes <= YAMLTree.maxNodes else {
                return .failed("has more than \(YAMLTree.maxNodes) values", isLimit: true)
            }
            guard !stack.isEmpty else {
                root = node
                return .more
            }
            let top = stack.count - 1
            if !stack[top].isMapping {
                stack[top].items.append(node)
            } else if let key = stack[top].pendingKey {
                // A key given twice is refused, as YAML requires and the Hub's parser does: PyYAML keeps the last
                // value, so keeping either one would let `models:` written twice hide an edge from one reader.
                guard key.isEmpty || stack[top].keys.insert(key).inserted else {
                    return .failed("is not valid YAML (the key '\(key.prefix(80))' appears twice in one mapping)")
                }
                stack[top].members.append((key, node))
                stack[top].pendingKey = nil
            } else {
                // A key; complex (non-scalar) keys are kept as an empty name and never looked up.
                if case .scalar(let text) = node { stack[top].pendingKey = text } else { stack[top].pendingKey = "" }
            }
            return .more
        }
    }

    /// The member named `key` of a mapping.
    subscript(key: String) -> YAMLTree? {
        guard case .mapping(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    /// The text of a non-empty scalar, trimmed.
    var string: String? {
        guard case .scalar(let text) = self else { return nil }
        let trimmed = text.trimmedWhitespace
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The elements of a sequence.
    var sequence: [YAMLTree]? {
        guard case .sequence(let items) = self else { return nil }
        return items
    }

    /// The members of a mapping.
    var mapping: [(String, YAMLTree)]? {
        guard case .mapping(let members) = self else { return nil }
        return members
    }
}
