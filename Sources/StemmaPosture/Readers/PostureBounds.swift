import StemmaCore

/// Posture reads a list whole or not at all: a tool, rule or server list cut short at a bound would be a grant the
/// report never shows, and an agent whose riskiest tool was past the bound would rank as safer than it is. So a
/// list over its bound ends the run (`limitExceeded`, exit 2) naming the file and the bound.
enum PostureBounds {
    /// Marks a ``StemmaError`` as a list over its bound in a file already recognised as an agent config, so the
    /// fleet reader stops even for a file whose name does not say what it is.
    struct PartialList: Error, CustomStringConvertible {
        var description: String { "posture reads a list whole or not at all" }
    }

    /// Whether `error` is a list over its bound.
    static func isPartialList(_ error: StemmaError) -> Bool { error.underlying is PartialList }

    /// `items` when there are at most `limit` of them (none for nil).
    /// - Throws: ``StemmaError`` (`limitExceeded`) naming `path`, what the items are, and the bound.
    static func whole<Element>(
        _ items: [Element]?, limit: Int, what: String, in path: String
    ) throws(StemmaError) -> [Element] {
        guard let items else { return [] }
        guard items.count <= limit else {
            throw StemmaError(
                .limitExceeded,
                "'\(path)' lists \(items.count) \(what); the limit is \(limit)",
                underlying: PartialList())
        }
        return items
    }
}
