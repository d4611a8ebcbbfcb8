public import StemmaCore
import StemmaCrypto

/// How an OMS signature split the model into resources.
public enum SerializationMethod: Sendable, Equatable {
    /// One resource per file.
    case files
    /// One resource per byte range of at most `size` bytes.
    case shards(size: UInt64)

    /// The OMS spelling: `files` or `shards`.
    public var name: String {
        switch self {
        case .files: return "files"
        case .shards: return "shards"
        }
    }
}

/// One signed resource: a file, or a shard of one.
public struct ManifestResource: Sendable, Equatable {
    /// The model-relative name (`weights/a.bin`, `weights/a.bin:0:1000`, or `.` for a single-file model).
    public var name: String
    /// The algorithm string as written (`sha256`, `sha256-sharded-1000`).
    public var algorithm: String
    /// The raw digest bytes.
    public var digest: [UInt8]

    /// Creates a resource.
    public init(name: String, algorithm: String, digest: [UInt8]) {
        self.name = name
        self.algorithm = algorithm
        self.digest = digest
    }
}

/// The signed content of an OMS v1.0 signature: the in-toto statement's subject and its
/// `https://model_signing/signature/v1.0` predicate.
public struct ModelManifest: Sendable {
    /// The in-toto statement type.
    public static let statementType = "https://in-toto.io/Statement/v1"
    /// The OMS v1.0 predicate type.
    public static let predicateType = "https://model_signing/signature/v1.0"

    /// The subject name: the model folder's (or file's) base name when it was signed. Informational.
    public var subjectName: String
    /// The subject digest: SHA-256 over the raw resource digests in listed order.
    public var rootDigest: [UInt8]
    /// Files or shards.
    public var method: SerializationMethod
    /// The per-resource hash (`sha256`, `blake2b`, `blake3`).
    public var hashType: String
    /// Whether the signer allowed symbolic links (hashed through the link).
    public var allowSymlinks: Bool
    /// Model-relative paths the signer excluded; the verifier excludes them too.
    public var ignorePaths: [String]
    /// The signed resources in listed order.
    public var resources: [ManifestResource]

    /// Creates a manifest.
    public init(
        subjectName: String, rootDigest: [UInt8], method: SerializationMethod, hashType: String, allowSymlinks: Bool,
        ignorePaths: [String], resources: [ManifestResource]
    ) {
        self.subjectName = subjectName
        self.rootDigest = rootDigest
        self.method = method
        self.hashType = hashType
        self.allowSymlinks = allowSymlinks
        self.ignorePaths = ignorePaths
        self.resources = resources
    }

    /// SHA-256 over the raw digests in the given order: the OMS root (subject) digest.
    public static func rootDigest(of resources: [ManifestResource]) throws(StemmaError) -> [UInt8] {
        var context = try DigestContext(.sha256)
        for resource in resources { context.update(resource.digest) }
        return context.finalize()
    }

    /// The algorithm string `model_signing` writes for a resource under `method`.
    public static func algorithmName(hashType: String, method: SerializationMethod) -> String {
        switch method {
        case .files: return hashType
        case .shards(let size): return "\(hashType)-sharded-\(size)"
        }
    }

    /// Parses a statement payload.
    /// - Throws: ``StemmaError`` `.malformedInput` naming `source` and the field that is wrong.
    public static func parse(statement payload: [UInt8], source: String) throws(StemmaError) -> ModelManifest {
        let root = try JSONParser.parse(payload, source: source)
        let statement = JSONFields(root, source: source, context: "the statement")
        let type = try statement.string("_type")
        guard type == statementType else {
            throw StemmaError(
                .malformedInput, "'\(source)': the payload is not an in-toto Statement v1 (_type \"\(type)\")")
        }
        let predicate = try statement.string("predicateType")
        guard predicate == predicateType else {
            throw StemmaError(
                .malformedInput, "'\(source)': predicateType \"\(predicate)\" is not the OMS v1.0 \"\(predicateType)\"")
        }
        let subjects = try statement.array("subject")
        guard subjects.count == 1 else {
            throw StemmaError(
                .malformedInput, "'\(source)': the statement must have exactly one subject, not \(subjects.count)")
        }
        let subject = JSONFields(subjects[0], source: source, context: "subject[0]")
        let subjectName = try subject.string("name")
        let digestHex = try JSONFields(try subject.object("digest"), source: source, context: "subject[0].digest")
            .string("sha256")
        guard digestHex.utf8.count == 64, let rootDigest = Hex.decode(digestHex) else {
            throw StemmaError(.malformedInput, "'\(source)': subject[0].digest.sha256 is not 64 hex digits")
        }
        let body = JSONFields(try statement.object("predicate"), source: source, context: "predicate")
        let serializationValue = try body.object("serialization")
        let serialization = JSONFields(serializationValue, source: source, context: "predicate.serialization")
        let methodName = try serialization.string("method")
        let hashType = try serialization.string("hash_type")
        let method: SerializationMethod
        switch methodName {
        case "files":
            method = .files
        case "shards":
            guard let size = serializationValue["shard_size"]?.exactUInt64, size > 0 else {
                throw StemmaError(.malformedInput, "'\(source)': shard_size must be a positive whole number")
            }
            method = .shards(size: size)
        default:
            throw StemmaError(
                .malformedInput, "'\(source)': serialization method \"\(methodName)\" is not files or shards")
        }
        let allowSymlinks = try serialization.optionalBool("allow_symlinks") ?? false
        var ignorePaths: [String] = []
        if let ignored = serializationValue["ignore_paths"], ignored != .null {
            guard let elements = ignored.arrayValue else {
                throw StemmaError(.malformedInput, "'\(source)': ignore_paths must be an array of strings")
            }
            for element in elements {
                guard let path = element.stringValue else {
                    throw StemmaError(.malformedInput, "'\(source)': ignore_paths must be an array of strings")
                }
                ignorePaths.append(path)
            }
        }
        var resources: [ManifestResource] = []
        for (index, value) in try body.array("resources").enumerated() {
            let fields = JSONFields(value, source: source, context: "resources[\(index)]")
            let name = try fields.string("name")
            let digestText = try fields.string("digest")
            guard let digest = Hex.decode(digestText), !digest.isEmpty else {
                throw StemmaError(.malformedInput, "'\(source)': resources[\(index)].digest is not hex")
            }
            resources.append(ManifestResource(name: name, algorithm: try fields.string("algorithm"), digest: digest))
        }
        return ModelManifest(
            subjectName: subjectName, rootDigest: rootDigest, method: method, hashType: hashType,
            allowSymlinks: allowSymlinks, ignorePaths: ignorePaths, resources: resources)
    }

    /// The statement payload in `model_signing`'s layout (2-space indent, its key order), ready to sign.
    /// `shard_size` is written as `N.0`, as `model_signing` does.
    public func statementBytes() -> [UInt8] {
        var serialization: [(String, JSONValue)] = [
            ("method", .string(method.name)),
            ("hash_type", .string(hashType)),
            ("allow_symlinks", .bool(allowSymlinks)),
        ]
        if case .shards(let size) = method { serialization.append(("shard_size", .number("\(size).0"))) }
        if !ignorePaths.isEmpty { serialization.append(("ignore_paths", .array(ignorePaths.map { .string($0) }))) }
        let resourceValues = resources.map { resource -> JSONValue in
            .object([
                ("name", .string(resource.name)),
                ("algorithm", .string(resource.algorithm)),
                ("digest", .string(Hex.encode(resource.digest))),
            ])
        }
        let statement: JSONValue = .object([
            ("_type", .string(Self.statementType)),
            (
                "subject",
                .array([
                    .object([
                        ("name", .string(subjectName)),
                        ("digest", .object([("sha256", .string(Hex.encode(rootDigest)))])),
                    ])
                ])
            ),
            ("predicateType", .string(Self.predicateType)),
            ("predicate", .object([("serialization", .object(serialization)), ("resources", .array(resourceValues))])),
        ])
        return JSONWriter(indent: 2).bytes(statement)
    }
}
