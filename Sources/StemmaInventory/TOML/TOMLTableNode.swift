/// A table while its document is being parsed, remembering how it was created so redefinitions can be refused.
final class TOMLTableNode {
    /// How a table came to exist; TOML allows extending some of these and not others.
    enum Origin: Equatable {
        /// Created as a parent of a `[a.b]` header; a later `[a]` header may still define it once.
        case implicit
        /// Defined by its own `[header]`.
        case header
        /// One element of an array of tables, opened by `[[header]]`.
        case arrayElement
        /// Created by a dotted key in the section with this number; only that section may extend it.
        case dotted(Int)
    }

    var origin: Origin
    private var keys: [String] = []
    private var entries: [String: TOMLNodeEntry] = [:]

    init(origin: Origin) {
        self.origin = origin
    }

    subscript(key: String) -> TOMLNodeEntry? {
        get { entries[key] }
        set {
            if entries.updateValue(newValue!, forKey: key) == nil { keys.append(key) }
        }
    }

    /// The finished table. Recursion is bounded by the parser's depth limit.
    func tableValue() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            switch entries[key]! {
            case .table(let node): table[key] = .table(node.tableValue())
            case .tableArray(let array): table[key] = .array(array.tables.map { .table($0.tableValue()) })
            case .value(let value): table[key] = value
            }
        }
        return table
    }
}

/// An array of tables while its document is being parsed: `[[header]]` appends to it.
final class TOMLTableArrayNode {
    var tables: [TOMLTableNode] = []
}

/// What a key holds while its document is being parsed.
enum TOMLNodeEntry {
    /// A table that later headers or dotted keys may still extend (within TOML's rules).
    case table(TOMLTableNode)
    /// An array of tables opened by `[[header]]`.
    case tableArray(TOMLTableArrayNode)
    /// A finished value: scalar, static array or inline table; nothing may extend it.
    case value(TOMLValue)
}
