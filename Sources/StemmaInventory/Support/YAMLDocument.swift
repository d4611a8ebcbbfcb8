/// Typed access to a parsed YAML mapping, tolerant of the shapes people write (a string or a list of strings).
struct YAMLDocument {
    let node: YAMLTree

    /// Why a text is not a usable YAML mapping.
    struct Problem: Error {
        let reason: String
        /// The document crossed a bound of ``YAMLTree`` (depth, node count): not read in full, not malformed.
        var isLimit = false
    }

    /// Parses YAML; a problem with a reason when it is not valid YAML or not a mapping.
    static func parse(_ bytes: [UInt8]) -> Result<YAMLDocument, Problem> {
        switch YAMLTree.parse(bytes) {
        case .failure(let problem): return .failure(Problem(reason: problem.reason, isLimit: problem.isLimit))
        case .success(.empty): return .failure(Problem(reason: "is empty"))
        case .success(let tree):
            guard tree.mapping != nil else { return .failure(Problem(reason: "is not a YAML mapping")) }
            return .success(YAMLDocument(node: tree))
        }
    }

    subscript(key: String) -> YAMLTree? { node[key] }

    /// A scalar as text.
    func string(_ key: String) -> String? { Self.string(node[key]) }

    /// A scalar, or each scalar of a sequence, as text; empty for anything else.
    func strings(_ key: String) -> [String] { Self.strings(node[key]) }

    static func string(_ node: YAMLTree?) -> String? { node?.string }

    static func strings(_ node: YAMLTree?) -> [String] {
        guard let node else { return [] }
        if let single = node.string { return [single] }
        guard let sequence = node.sequence else { return [] }
        // Every item: a list cut short would drop edges without a word. The tree's node bound
        // (``YAMLTree/maxNodes``) already bounds the list.
        return sequence.compactMap(\.string)
    }
}

extension String {
}
