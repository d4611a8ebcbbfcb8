/// Shell-style globs over Unicode scalars: `*` matches any run (including none, and including `/`, `,` and `=`),
/// `?` exactly one scalar, and every other scalar only itself, by code point (no case folding, no normalisation).
///
/// Not `fnmatch`: a C string ends at the first NUL, so `fnmatch("*-prod", "x-prod\0y")` would match.
public struct Glob: Sendable, Equatable {
    enum Token: Sendable, Equatable {
        case literal(Unicode.Scalar)
        case one
        case any
    }

    let tokens: [Token]

    init(tokens: [Token]) { self.tokens = tokens }

    /// A glob in which `*` and `?` are wildcards and everything else is literal.
    public init(_ pattern: String) {
        tokens = pattern.unicodeScalars.map { scalar in
            switch scalar {
            case "*": return .any
            case "?": return .one
            default: return .literal(scalar)
            }
        }
    }

    /// Whether `pattern` matches the whole of `text`.
    public static func matches(_ pattern: String, _ text: String) -> Bool { Glob(pattern).matches(text) }

    /// Whether the glob matches the whole of `text`. O(pattern × text) at worst, without recursion: on a mismatch
    /// only the last `*` is widened.
    public func matches(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        var position = 0
        var token = 0
        var star: (token: Int, position: Int)?
        while position < scalars.count {
            if token < tokens.count {
                switch tokens[token] {
                case .any:
                    star = (token, position)
                    token += 1
                    continue
                case .one:
                    token += 1
                    position += 1
                    continue
                case .literal(let scalar) where scalar == scalars[position]:
                    token += 1
                    position += 1
                    continue
                case .literal:
                    break
                }
            }
            guard let last = star else { return false }
            star = (last.token, last.position + 1)
            token = last.token + 1
            position = last.position + 1
        }
        while token < tokens.count, tokens[token] == .any { token += 1 }
        return token == tokens.count
    }
}
