import StemmaCore
import StemmaCrypto

/// An organisation's trust roots: `signers.json` in a folder, naming each signer's keys or CA certificates
/// and the models it may sign. The layout is documented in `trust-roots/README.md` and
/// `schemas/trust-policy.schema.json`.
struct TrustPolicy {
    static let fileName = "signers.json"

    var signers: [TrustedSigner]

    /// Reads `folder/signers.json` and every file it names (paths relative to the folder, never outside it).
    static func load(folder: String) throws(StemmaError) -> TrustPolicy {
        let path = folder + "/" + fileName
        let root = try JSONParser.parse(
            try BoundedFile.read(path, maxBytes: 4 << 20),
            limits: JSONLimits(maxBytes: 4 << 20, maxDepth: 16, maxValues: 100_000), source: path)
        let fields = JSONFields(root, source: path, context: "the policy")
        // Keys are checked by bytes: "public\u{212A}eys" (KELVIN SIGN) is `==` to "publicKeys" as a Swift String.
        for key in root.objectValue?.map(\.0) ?? []
        where !["schemaVersion", "description", "signers"].contains(where: key.isExactly) {
            throw StemmaError(.malformedInput, "'\(path)' has an unknown field \"\(key)\"")
        }
        guard root["schemaVersion"]?.exactUInt64 == 1 else {
            throw StemmaError(.malformedInput, "'\(path)': schemaVersion must be 1")
        }
        var signers: [TrustedSigner] = []
        var names = Set<ExactName>()
        for (index, value) in try fields.array("signers").enumerated() {
            let context = "signers[\(index)]"
            let signer = JSONFields(value, source: path, context: context)
            let name = try signer.string("name")
            guard names.insert(ExactName(name)).inserted else {
                throw StemmaError(.malformedInput, "'\(path)': the signer name \"\(name)\" appears twice")
            }
            for key in value.objectValue?.map(\.0) ?? []
            where !["name", "publicKeys", "certificateChain", "leafSubject", "models", "description"].contains(
                where: key.isExactly)
            {
                throw StemmaError(.malformedInput, "'\(path)': \(context) has an unknown field \"\(key)\"")
            }
            var trusted = TrustedSigner(name: name)
            let keyFiles = try strings(value["publicKeys"], path: path, field: "\(context).publicKeys")
            let caFiles = try strings(value["certificateChain"], path: path, field: "\(context).certificateChain")
            guard keyFiles.isEmpty != caFiles.isEmpty else {
                throw StemmaError(
                    .malformedInput, "'\(path)': \(context) must have exactly one of publicKeys or certificateChain")
            }
            for file in keyFiles {
                let keyPath = try resolve(file, in: folder, policy: path)
                trusted.publicKeys.append(
                    try PublicKey(pem: try BoundedFile.read(keyPath, maxBytes: 1 << 20), source: keyPath))
            }
            for file in caFiles {
                let caPath = try resolve(file, in: folder, policy: path)
                trusted.certificateAuthorities += try Certificate.loadPEM(
                    try BoundedFile.read(caPath, maxBytes: 4 << 20), source: caPath)
            }
            if let pattern = try signer.optionalString("leafSubject") {
                guard !caFiles.isEmpty else {
                    throw StemmaError(
                        .malformedInput, "'\(path)': \(context).leafSubject applies only with certificateChain")
                }
                do throws(SubjectPatternError) {
                    trusted.leafSubject = try SubjectPattern(pattern)
                } catch {
                    throw StemmaError(
                        .malformedInput,
                        "'\(path)': \(context).leafSubject \"\(pattern)\" \(error.reason); see trust-roots/README.md")
                }
            }
            let models = try strings(value["models"], path: path, field: "\(context).models")
            guard !models.isEmpty else {
                throw StemmaError(.malformedInput, "'\(path)': \(context).models must list at least one pattern")
            }
            trusted.models = models
            signers.append(trusted)
        }
        guard !signers.isEmpty else { throw StemmaError(.malformedInput, "'\(path)' trusts no signers") }
        return TrustPolicy(signers: signers)
    }

    private static func strings(_ value: JSONValue?, path: String, field: String) throws(StemmaError) -> [String] {
        guard let value, value != .null else { return [] }
        guard let elements = value.arrayValue else {
            throw StemmaError(.malformedInput, "'\(path)': \(field) must be an array of strings")
        }
        var result: [String] = []
        for element in elements {
            guard let text = element.stringValue else {
                throw StemmaError(.malformedInput, "'\(path)': \(field) must be an array of strings")
            }
            result.append(text)
        }
        return result
    }

    private static func resolve(_ relative: String, in folder: String, policy: String) throws(StemmaError) -> String {
        guard ModelPath.isSafeRelative(relative) else {
            throw StemmaError(
                .malformedInput, "'\(policy)': \"\(relative)\" must be a relative path inside the trust-roots folder")
        }
        let path = folder + "/" + relative
        // A symbolic link must not lead out of the trust-roots folder either.
        guard let root = FileSystemPath.resolved(folder), let resolved = FileSystemPath.resolved(path) else {
            throw StemmaError(.io, "'\(policy)' names \"\(relative)\", which does not exist")
        }
        guard resolved.hasExactPrefix(root + "/") else {
            throw StemmaError(
                .malformedInput, "'\(policy)': \"\(relative)\" leads outside the trust-roots folder (to '\(resolved)')")
        }
        return path
    }
}
