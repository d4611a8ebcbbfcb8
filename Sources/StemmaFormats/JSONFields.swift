public import StemmaCore

/// Typed access to the members of a JSON object, with errors that name the file, the object and the field.
public struct JSONFields {
    private let value: JSONValue
    private let source: String
    private let context: String

    /// Wraps `value` (expected to be an object) read from `source`; `context` names it in messages.
    public init(_ value: JSONValue, source: String, context: String) {
        self.value = value
        self.source = source
        self.context = context
    }

    private func member(_ key: String) throws(StemmaError) -> JSONValue {
        guard case .object = value else {
            throw StemmaError(.malformedInput, "'\(source)': \(context) must be an object, found \(value.kindName)")
        }
        guard let member = value[key] else {
            throw StemmaError(.malformedInput, "'\(source)': \(context) has no \"\(key)\"")
        }
        return member
    }

    private func mismatch(_ key: String, _ expected: String, _ found: JSONValue) -> StemmaError {
        StemmaError(.malformedInput, "'\(source)': \(context).\(key) must be \(expected), found \(found.kindName)")
    }

    /// A required string member.
    public func string(_ key: String) throws(StemmaError) -> String {
        let found = try member(key)
        guard let text = found.stringValue else { throw mismatch(key, "a string", found) }
        return text
    }

    /// An optional string member (absent or null gives nil).
    public func optionalString(_ key: String) throws(StemmaError) -> String? {
        guard let found = value[key], found != .null else { return nil }
        guard let text = found.stringValue else { throw mismatch(key, "a string", found) }
        return text
    }

    /// A required object member.
    public func object(_ key: String) throws(StemmaError) -> JSONValue {
        let found = try member(key)
        guard case .object = found else { throw mismatch(key, "an object", found) }
        return found
    }

    /// A required array member.
    public func array(_ key: String) throws(StemmaError) -> [JSONValue] {
        let found = try member(key)
        guard let elements = found.arrayValue else { throw mismatch(key, "an array", found) }
        return elements
    }

    /// An optional Boolean member.
    public func optionalBool(_ key: String) throws(StemmaError) -> Bool? {
        guard let found = value[key], found != .null else { return nil }
        guard let flag = found.boolValue else { throw mismatch(key, "true or false", found) }
        return flag
    }

    /// A required string member holding standard base64, decoded.
    public func base64(_ key: String) throws(StemmaError) -> [UInt8] {
        let text = try string(key)
        guard let bytes = Base64.decode(text) else {
            throw StemmaError(.malformedInput, "'\(source)': \(context).\(key) is not valid base64")
        }
        return bytes
    }
}
