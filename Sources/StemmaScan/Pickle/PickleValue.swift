/// An abstract value on the VM's stack or in its memo: only as much as the policy needs.
///
/// Scalars keep no content. Strings keep their text only when short enough to be a module or attribute name
/// (``PickleValue/nameLimit`` bytes), tuples keep only their first few items (enough for a PyTorch persistent
/// id), and containers only their kind, so memory is bounded by the stack and memo limits, not by the payload.
/// Most cases carry no reference, which keeps the hot loop free of reference counting.
enum PickleValue {
    case noneValue
    case bool
    /// An integer; its value when it fits 64 bits (joblib array shapes need it).
    case int(Int64?)
    case float
    /// A `str` (or a protocol 0–1 `STRING`, which Python 3 decodes to `str`). `text` is empty when too long.
    case text(String)
    /// A `str` too long to be a name.
    case longText
    case bytes
    case tuple([PickleValue])
    case list
    case dict
    case set
    case frozenset
    /// An imported global: an index into the current pickle's import table.
    case global(Int32)
    /// What calling (or `NEWOBJ` on) an imported global returned.
    case instance(Int32)
    /// What calling `numpy.dtype` returned: its type string (`f8`, `<U10`, `O8`).
    case numpyDType(String)
    /// What `persistent_load` returned for a persistent id.
    case persistent
    /// An out-of-band buffer (`NEXT_BUFFER`).
    case buffer
    /// The result of something the scanner does not model (a call on a computed value, a missing memo entry).
    case opaque

    /// The longest string kept as text: longer strings cannot name a module a scanner needs to match.
    static let nameLimit = 256

    /// The value as an item of a tuple: a tuple inside keeps no items, so values never nest more than two
    /// levels (a million nested TUPLE1 would otherwise be released recursively and overflow the stack).
    var asItem: PickleValue {
        if case .tuple(let items) = self, !items.isEmpty { return .tuple([]) }
        return self
    }

    /// The `pickletools`-style kind, for messages.
    var kindName: String {
        switch self {
        case .noneValue: return "None"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .text, .longText: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .dict: return "dict"
        case .set: return "set"
        case .frozenset: return "frozenset"
        case .global: return "global"
        case .instance: return "object"
        case .numpyDType: return "numpy dtype"
        case .persistent: return "persistent object"
        case .buffer: return "buffer"
        case .opaque: return "unknown value"
        }
    }
}
