import StemmaCore
import StemmaFormats
public import StemmaGraph

/// OMS model signatures (`model.sig`): the signed model's per-file digests, as artifacts of the model named by the
/// statement's subject. The signature is not verified here (that is `stemma verify`), so the digests are declared.
public enum OMSSignatureReader: InventoryReader {
    public static let formatName = "oms-signature"

    public static func recognizes(path: String, head: [UInt8]) -> Bool {
        ByteSearch.firstSignificant(head) == UInt8(ascii: "{")
            && ByteSearch.contains(head, OMSSignatureBundle.mediaType)
    }

    public static func read(path: String, bytes: [UInt8]) -> InventoryFragment {
        do {
            let bundle = try OMSSignatureBundle.parse(bytes, source: path)
            let manifest = try ModelManifest.parse(statement: bundle.payload, source: path)
            let digests =
                manifest.hashType == "sha256" && manifest.method == .files
                ? manifest.resources.filter { $0.digest.count == 32 }.map { Hex.encode($0.digest) } : []
            var properties = ["signature": path, "root-digest": "sha256:" + Hex.encode(manifest.rootDigest)]
            if digests.isEmpty { properties["note"] = "shard or non-sha256 signature: files not listed by digest" }
            return InventoryFragment(components: [
                ComponentRecord(
                    ref: ComponentRef(kind: .model, name: manifest.subjectName), properties: properties,
                    artifacts: digests, source: path)
            ])
        } catch {
            return .refused(path, error)
        }
    }
}
