import StemmaCore
import StemmaCrypto
public import StemmaFormats

/// Where trust in attestation signers comes from on the command line.
public enum AttestationTrust: Sendable {
    /// `--public-key` files: a signature is valid if any one of these keys verifies it.
    case publicKeys([String])
    /// `--certificate-chain` files: trusted root and intermediate CA certificates; the signing certificate comes
    /// from the Sigstore bundle.
    case certificateChains([String])
    /// `--trust-roots DIR`: the organisation's `signers.json`, the same file `stemma verify` reads. Every signer's
    /// keys and CAs are trusted, and a certificate signer's `leafSubject` must match. (`models` patterns are about
    /// which models a signer may sign; they do not apply to attestations.)
    case trustRoots(String)

    /// Loads the signers.
    /// - Throws: ``StemmaError`` naming any key, certificate or policy file that cannot be read.
    func load() throws(StemmaError) -> TrustedMaterial {
        switch self {
        case .publicKeys(let paths): return TrustedMaterial(signers: try TrustSource.publicKeys(paths).signers())
        case .certificateChains(let paths):
            return TrustedMaterial(signers: try TrustSource.certificateChains(paths).signers())
        case .trustRoots(let folder): return TrustedMaterial(signers: try TrustSource.trustRoots(folder).signers())
        }
    }
}

/// Loaded trust: signers with keys (key mode) or certificate authorities (certificate mode).
struct TrustedMaterial {
    var signers: [TrustedSigner]

    /// The keys to try on an envelope: the trusted keys, plus the bundle's leaf key when it carries a certificate
    /// that chains to a trusted signer's CAs and matches that signer's `leafSubject`.
    /// - Returns: the keys, or the reason no key can be trusted (naming `source`).
    func candidateKeys(bundle: JSONValue, source: String) -> Result<[PublicKey], EnvelopeProblem> {
        let keys = signers.flatMap(\.publicKeys)
        let authorities = signers.filter { !$0.certificateAuthorities.isEmpty }
        if authorities.isEmpty { return .success(keys) }
        let chain: [[UInt8]]
        do {
            chain = try SigstoreBundle.certificates(in: bundle, source: source)
        } catch {
            return keys.isEmpty ? .failure(error) : .success(keys)
        }
        guard let leafDER = chain.first else {
            if !keys.isEmpty { return .success(keys) }
            return .failure(
                EnvelopeProblem("'\(source)' carries no signing certificate, which a certificate authority needs"))
        }
        do {
            let leaf = try Certificate(der: leafDER, source: source)
            var intermediates: [Certificate] = []
            for der in chain.dropFirst() { intermediates.append(try Certificate(der: der, source: source)) }
            guard leaf.allowsDigitalSignature else {
                return .failure(
                    EnvelopeProblem("'\(source)': the signing certificate does not allow digital signatures"))
            }
            var reasons: [String] = []
            for signer in authorities {
                if let reason = CertificateChainVerifier(trusted: signer.certificateAuthorities).failureReason(
                    leaf: leaf, intermediates: intermediates)
                {
                    reasons.append("not by \(signer.name)'s CA: \(reason)")
                    continue
                }
                if let pattern = signer.leafSubject, !((try? leaf.subjectAttributes()).map(pattern.matches) ?? false) {
                    reasons.append("\(leaf.subject) does not match \(signer.name)'s leafSubject \"\(pattern)\"")
                    continue
                }
                return .success([try leaf.publicKey()] + keys)
            }
            if !keys.isEmpty { return .success(keys) }
            return .failure(
                EnvelopeProblem(
                    "'\(source)': the signing certificate does not chain to a trusted CA: "
                        + reasons.joined(separator: "; ")))
        } catch {
            return .failure(EnvelopeProblem("'\(source)': \(error)"))
        }
    }
}
