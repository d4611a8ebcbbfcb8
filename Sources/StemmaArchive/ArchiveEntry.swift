/// One entry of an archive, as read from its header.
public struct ArchiveEntry: Sendable {
    /// What an entry is.
    public enum Kind: Sendable, Equatable {
        case regularFile
        case directory
        /// A symbolic link to `target` (as written in the archive).
        case symbolicLink(target: String)
        /// A hard link to an earlier entry named `target`.
        case hardLink(target: String)
        /// A device, FIFO or anything else.
        case other
    }

    /// The entry name exactly as stored, for messages (non-UTF-8 bytes shown escaped).
    public var displayName: String
    /// The name normalised to a safe relative path, or why it could not be.
    public var path: Result<String, ArchivePathError>
    /// The entry's kind.
    public var kind: Kind
    /// The declared size in bytes, when the header gives one.
    public var declaredSize: Int64?
}

/// Why an archive entry name cannot be used as a path inside the model.
public enum ArchivePathError: Error, Sendable, Equatable, CustomStringConvertible {
    case absolute
    case parentReference
    case notUTF8
    case empty
    case tooLong

    public var description: String {
        switch self {
        case .absolute: return "is an absolute path"
        case .parentReference: return "contains '..'"
        case .notUTF8: return "is not valid UTF-8"
        case .empty: return "is empty"
        case .tooLong: return "is too long"
        }
    }
}

/// Normalises archive entry names: `./a//b/` becomes `a/b`; absolute names and `..` are refused, never
/// silently rewritten, because an archive that tries to escape is itself a finding.
public enum ArchivePath {
    /// The safe relative form of `raw`, or why there is none. The archive root itself (`./`) is `""`.
    public static func normalize(_ raw: [UInt8], maxBytes: Int = 4096) -> Result<String, ArchivePathError> {
        guard raw.count <= maxBytes else { return .failure(.tooLong) }
        guard let text = String(validating: raw, as: UTF8.self) else { return .failure(.notUTF8) }
        if text.hasPrefix("/") { return .failure(.absolute) }
        var parts: [Substring] = []
        for component in text.split(separator: "/", omittingEmptySubsequences: true) where component != "." {
            if component == ".." { return .failure(.parentReference) }
            parts.append(component)
        }
        return .success(parts.joined(separator: "/"))
    }

    /// Escapes bytes that are not printable UTF-8 as `\xNN`, so a hostile name can be shown safely.
    public static func display(_ raw: [UInt8]) -> String {
        if let text = String(validating: raw, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        {
            return text
        }
        var output = ""
        for byte in raw {
            if byte >= 0x20 && byte < 0x7F {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "\\x" + String(byte, radix: 16, uppercase: false).leftPadded(to: 2)
            }
        }
        return output
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
