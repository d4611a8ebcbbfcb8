import StemmaCore
import StemmaCrypto

/// Where trust in attestation signers comes from on the command line.
public enum AttestationTrust: Sendable {
    /// `--public-key` files: a signature is valid if any one of these keys verifies it.
    case publicKeys([String])
    /// `--certificate-chain` files: trusted root and intermediate CA certificates; the signing certificate comes
    /// from the Sigstore bundle.
    case certificateChains([String])

    /// Loads the keys or certificate authorities.
    /// - Throws: ``StemmaError`` naming any key or certificate file that cannot be read.
    func load() throws(StemmaError) -> TrustedMaterial {
        switch self {
        case .publicKeys(let paths):
            var keys: [PublicKey] = []
            for path in paths {
                keys.append(try PublicKey(pem: try BoundedFile.read(path, maxBytes: 1 << 20), source: path))
            }
            return TrustedMaterial(keys: keys, authorities: [])
        case .certificateChains(let paths):
            var certificates: [Certificate] = []
            for path in paths {
                certificates += try Certificate.loadPEM(try BoundedFile.read(path, maxBytes: 4 << 20), source: path)
            }
            return TrustedMaterial(keys: [], authorities: certificates)
        }
    }
}

/// Loaded trust: keys for key mode, certificate authorities for certificate mode.
struct TrustedMaterial {
    var keys: [PublicKey]
    var authorities: [Certificate]

    /// The keys to try on an envelope: the trusted keys, or the bundle's leaf key once its chain verifies.
    /// - Returns: the keys, or the reason no key can be trusted (naming `source`).
    func candidateKeys(bundle: JSONValue, source: String) -> Result<[PublicKey], EnvelopeProblem> {
        if authorities.isEmpty { return .success(keys) }
        let chain: [[UInt8]]
        do {
            chain = try SigstoreBundle.certificates(in: bundle, source: source)
        } catch {
            return .failure(error)
        }
        guard let leafDER = chain.first else {
            return .failure(
                EnvelopeProblem("'\(source)' carries no signing certificate, which --certificate-chain needs"))
        }
        do {
            let leaf = try Certificate(der: leafDER, source: source)
            var intermediates: [Certificate] = []
            for der in chain.dropFirst() { intermediates.append(try Certificate(der: der, source: source)) }
            if let reason = CertificateChainVerifier(trusted: authorities).failureReason(
                leaf: leaf, intermediates: intermediates)
            {
                return .failure(
                    EnvelopeProblem("'\(source)': the signing certificate does not chain to a trusted CA: \(reason)"))
            }
            guard leaf.allowsDigitalSignature else {
                return .failure(
                    EnvelopeProblem("'\(source)': the signing certificate does not allow digital signatures"))
            }
            return .success([try leaf.publicKey()])
        } catch {
            return .failure(EnvelopeProblem("'\(source)': \(error)"))
        }
    }
}
