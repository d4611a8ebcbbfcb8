import StemmaCore

/// Checks `saved_model.pbtxt`, a SavedModel in protobuf text format (TensorFlow loads it when there is no
/// `saved_model.pb`), with the op rules of ``SavedModelCheck``.
///
/// The text is tokenised as protobuf text format (comments, both quote styles, C escapes such as `\x52` and
/// octal, adjacent strings concatenated, `:` optional before a message, `{}` and `<>` delimiters) and walked as a
/// tree of messages. Every `op` field is an op name of the message that holds it; its node is that message's
/// `name`, its function the `signature { name }` of the enclosing `function`. Field order does not matter, so
/// moving `op` after an attribute or into a `node_def` hides nothing. Text that does not tokenise or balance is
/// malformed (TensorFlow's parser refuses it too); the ops seen up to there are still reported.
public enum SavedModelTextCheck {
    /// Messages nested deeper than this are not followed (a SavedModel needs about ten).
    static let maxDepth = 100

    /// Checks the bytes of a `saved_model.pbtxt`.
    public static func check(_ text: [UInt8]) -> [ScanFinding] {
        var walker = TextWalker()
        var lexer = TextFormatLexer(text)
        do throws(FormatFailure) {
            try walker.walk(&lexer)
        } catch {
            walker.flushAll()
            walker.findings.append(error.finding("SavedModel text"))
        }
        return walker.findings
    }
}

/// The message tree walk: a stack of open messages, each with its name, function name and op fields.
private struct TextWalker {
    struct Message {
        var field: String
        var name: String?
        var functionName: String?
        var ops: [String] = []
    }

    var findings: [ScanFinding] = []
    private var stack: [Message] = [Message(field: "")]
    private var seen: Set<String> = []

    mutating func walk(_ lexer: inout TextFormatLexer) throws(FormatFailure) {
        while let token = try lexer.next() {
            switch token {
            case .close:
                guard stack.count > 1 else { throw .malformed("a '}' closes no message", offset: lexer.offset) }
                close()
            case .identifier(let field):
                try readField(field, &lexer)
            case .listOpen:
                try readField(try extensionName(&lexer), &lexer)
            case .separator:
                continue
            default:
                throw .malformed("a field name was expected", offset: lexer.offset)
            }
        }
        guard stack.count == 1 else { throw .malformed("the text ends inside a message") }
        close()
    }

    private mutating func readField(_ field: String, _ lexer: inout TextFormatLexer) throws(FormatFailure) {
        var token = try lexer.next()
        if token == .colon { token = try lexer.next() }
        switch token {
        case .open:
            guard stack.count <= SavedModelTextCheck.maxDepth else {
                throw .incomplete("messages nest deeper than \(SavedModelTextCheck.maxDepth)")
            }
            stack.append(Message(field: field))
        case .string(let value):
            if field == "op" { stack[stack.count - 1].ops.append(value) }
            if field == "name" { stack[stack.count - 1].name = value }
        case .identifier, .number:
            break
        case .listOpen:
            try list(field, &lexer)
        default:
            throw .malformed("the field '\(field)' has no value", offset: lexer.offset)
        }
    }

    /// A `[a, b]` list: scalars, or messages.
    private mutating func list(_ field: String, _ lexer: inout TextFormatLexer) throws(FormatFailure) {
        while let token = try lexer.next() {
            switch token {
            case .listClose: return
            case .separator: continue
            case .string(let value): if field == "op" { stack[stack.count - 1].ops.append(value) }
            case .identifier, .number: continue
            case .open:
                stack.append(Message(field: field))
                try walkUntilClose(&lexer)
            default: throw .malformed("unexpected token in a list", offset: lexer.offset)
            }
        }
        throw .malformed("the text ends inside a list")
    }

    private mutating func walkUntilClose(_ lexer: inout TextFormatLexer) throws(FormatFailure) {
        let depth = stack.count
        while stack.count >= depth, let token = try lexer.next() {
            switch token {
            case .close: close()
            case .identifier(let field): try readField(field, &lexer)
            case .listOpen: try readField(try extensionName(&lexer), &lexer)
            case .separator: continue
            default: throw .malformed("a field name was expected", offset: lexer.offset)
            }
        }
        if stack.count >= depth { throw .malformed("the text ends inside a message") }
    }

    /// The name of an extension or `Any` field, `[type.googleapis.com/tensorflow.X]`, after its `[`.
    private func extensionName(_ lexer: inout TextFormatLexer) throws(FormatFailure) -> String {
        guard case .identifier(let name)? = try lexer.next(), try lexer.next() == .listClose else {
            throw .malformed("an extension field name is not closed", offset: lexer.offset)
        }
        return name
    }

    /// Closes the innermost message: its ops become findings, a signature names its function.
    private mutating func close() {
        let message = stack.removeLast()
        if message.field == "signature", let name = message.name, !stack.isEmpty,
            stack[stack.count - 1].field == "function"
        {
            stack[stack.count - 1].functionName = name
        }
        let function = stack.last { $0.field == "function" }?.functionName ?? message.functionName
        for op in message.ops {
            let node = message.name ?? ""
            guard findings.count < SavedModelCheck.maxFindings,
                let finding = SavedModelCheck.finding(op: op, node: node, function: function, outputStream: nil),
                seen.insert("\(op)@\(node)@\(function ?? "")").inserted
            else { continue }
            findings.append(finding)
        }
    }

    /// Reports the ops of every message still open (the text broke off inside them).
    mutating func flushAll() {
        while !stack.isEmpty { close() }
    }
}
