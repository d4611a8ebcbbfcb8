/// A TOML value as read from a document.
///
/// Dates and times are kept as the text written (after validating their shape), because lockfiles only carry
/// them as upload times and Stemma never computes with them.
public enum TOMLValue: Sendable, Equatable {
    /// A basic, literal or multi-line string, escapes resolved.
    case string(String)
    /// A 64-bit signed integer (decimal, hexadecimal, octal or binary in the document).
    case integer(Int64)
    /// A floating-point number, including `inf` and `nan`.
    case float(Double)
    /// `true` or `false`.
    case boolean(Bool)
    /// An offset date-time, local date-time, local date or local time, as written.
    case dateTime(String)
    /// An array (static or of tables), in document order.
    case array([TOMLValue])
    /// A table (standard, inline or an element of an array of tables).
    case table(TOMLTable)

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, when this is an integer.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The Boolean, when this is a Boolean.
    public var booleanValue: Bool? {
        if case .boolean(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [TOMLValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The table, when this is a table.
    public var tableValue: TOMLTable? {
        if case .table(let value) = self { return value }
        return nil
    }

    /// The value under `key`, when this is a table that has it.
    public subscript(key: String) -> TOMLValue? {
        tableValue?[key]
    }
}
