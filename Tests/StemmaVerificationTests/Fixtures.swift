import Foundation
import StemmaCore
import StemmaCrypto
import StemmaFormats
import StemmaTestSupport
import StemmaVerification

/// Builders shared by the verification tests.
enum Fixtures {
    /// The folder whose OMS root digest model_signing 1.1.1 computed as
    /// `1ed4a7d3740de7d27a0dd87653b9a319483da579ad15e198ca303014a98b1b31` (made by `model_signing sign key`
    /// on these exact bytes). The names are chosen so path-component order differs from string order (and no two differ only in case,
    /// which `integrity.ambiguous-name` refuses).
    static let knownAnswerFiles: [(String, String)] = [
        ("README.md", "# tiny\n"), ("a-b", "1"), ("a.b", "2"), ("a/b", "3"), ("a0", "4"), ("C", "5"), ("b/c", "6"),
        ("weights/empty.bin", ""), ("caf\u{e9}.txt", "7"), (".hidden", "8"),
    ]
    static let knownAnswerRootDigest = "1ed4a7d3740de7d27a0dd87653b9a319483da579ad15e198ca303014a98b1b31"

    /// A model folder at `folder/name` with the known-answer files, and a P-256 key pair beside it.
    static func model(in folder: TemporaryFolder, name: String = "m") throws -> (
        model: String, key: String, publicKey: String
    ) {
        for (path, text) in knownAnswerFiles { try folder.write("\(name)/\(path)", text) }
        let keys = try TestKeys.generate("P-256", named: "key", in: folder)
        return (folder.url(name), keys.private, keys.public)
    }

    /// Signs `model` with the library signer, writing `signature`.
    @discardableResult
    static func sign(_ model: String, key: String, signature: String, shardSize: UInt64? = nil) throws -> SignResult {
        var request = SignRequest(model: model, privateKey: key)
        request.signature = signature
        request.shardSize = shardSize
        return try ModelSigner.sign(request)
    }

    static func verify(
        _ model: String, signature: String, publicKey: String, ignoreUnsigned: Bool = false
    ) throws -> VerifyReport {
        var request = VerifyRequest(model: model, signature: signature, trust: .publicKeys([publicKey]))
        request.ignoreUnsignedFiles = ignoreUnsigned
        return try ModelVerifier.verify(request)
    }

    /// Writes a bundle whose statement is `statement`, validly signed by `key`: an independent, hostile producer.
    static func craftBundle(
        statement: [UInt8], key: String, to path: String, payloadType: String = DSSE.inTotoPayloadType
    ) throws {
        let privateKey = try PrivateKey(pem: try BoundedRead.bytes(key), source: key)
        let signature = try privateKey.sign(
            DSSE.preAuthenticationEncoding(payloadType: payloadType, payload: statement))
        let bundle = OMSSignatureBundle(
            material: .publicKeyHint(try privateKey.publicKey().modelSigningHint()), payloadType: payloadType,
            payload: statement, signature: signature)
        try BoundedRead.write(bundle.serialized(), to: path)
    }

    /// A manifest over the given (name, content) resources, with the correct root digest unless overridden.
    static func statement(
        resources: [(String, [UInt8])], hashType: String = "sha256", rootDigest: [UInt8]? = nil,
        type: String = ModelManifest.statementType
    ) throws -> [UInt8] {
        let manifestResources = try resources.map { name, content in
            ManifestResource(name: name, algorithm: hashType, digest: try Digest.compute(.sha256, content))
        }
        var manifest = ModelManifest(
            subjectName: "m", rootDigest: try rootDigest ?? ModelManifest.rootDigest(of: manifestResources),
            method: .files,
            hashType: hashType, allowSymlinks: false, ignorePaths: [], resources: manifestResources)
        manifest.subjectName = "m"
        var bytes = manifest.statementBytes()
        if type != ModelManifest.statementType {
            bytes = Array(
                String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: ModelManifest.statementType, with: type)
                    .utf8)
        }
        return bytes
    }
}

enum BoundedRead {
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TestSupportError("cannot read \(path)")
        }
        return [UInt8](data)
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw TestSupportError("cannot write \(path)")
        }
    }
}

extension VerifyReport {
    var codes: [String] { findings.map(\.code.rawValue) }
}
