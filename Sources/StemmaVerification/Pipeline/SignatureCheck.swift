import StemmaCore
import StemmaCrypto
import StemmaFormats

/// Proves who signed an OMS bundle: the DSSE signature over the PAE, by a key or certificate the user trusts.
///
/// Returns every trusted signer whose key or chain verifies the signature (in trust order, so the caller can pick
/// the first one allowed to sign this model), or findings that say why none did. It never reads the payload.
struct SignatureCheck {
    let bundle: OMSSignatureBundle
    let signers: [TrustedSigner]

    enum Outcome {
        case trusted([(identity: SignerIdentity, signer: TrustedSigner)])
        case rejected([Finding])
    }

    func run() throws(StemmaError) -> Outcome {
        guard bundle.payloadType == DSSE.inTotoPayloadType else {
            return .rejected([
                Finding(
                    .payloadType,
                    "the envelope's payload type is \"\(bundle.payloadType)\", not \"\(DSSE.inTotoPayloadType)\"")
            ])
        }
        // model_signing refuses a bundle that says who signed in two ways; so does Stemma, whichever would verify.
        guard bundle.materialKinds.count == 1 else {
            return .rejected([
                Finding(
                    .ambiguousMaterial,
                    "the bundle's verificationMaterial holds \(bundle.materialKinds.joined(separator: " and ")); "
                        + "a signature must carry exactly one of publicKey or x509CertificateChain")
            ])
        }
        let pae = DSSE.preAuthenticationEncoding(payloadType: DSSE.inTotoPayloadType, payload: bundle.payload)
        switch bundle.material {
        case .publicKeyHint(let hint):
            return checkKeys(pae: pae) { key in hint.map { key.modelSigningHint() == $0.lowercased() } ?? true }
        case .publicKeyPEM(let pem):
            let embedded = try PublicKey(pem: pem, source: "the signature's publicKey.rawBytes")
                .derSubjectPublicKeyInfo()
            return checkKeys(pae: pae) { $0.derSubjectPublicKeyInfo() == embedded }
        case .certificateChain(let ders):
            return try checkCertificates(ders, pae: pae)
        }
    }

    private func checkKeys(pae: [UInt8], isClaimedKey: (PublicKey) -> Bool) -> Outcome {
        let keyed = signers.filter { !$0.publicKeys.isEmpty }
        guard !keyed.isEmpty else {
            return .rejected([
                Finding(
                    .keyMismatch, "the model was signed with a public key, but only certificate authorities are trusted"
                )
            ])
        }
        var findings: [Finding] = []
        var trusted: [(identity: SignerIdentity, signer: TrustedSigner)] = []
        for signer in keyed {
            // A trusted key OMS does not allow (RSA, Ed25519) can never verify a model: say so, in the words
            // `stemma sign` uses, whether or not the signature's key hint names it.
            for key in signer.publicKeys where !key.type.isAllowedForModelSigning {
                findings.append(
                    Finding(
                        .unsupportedKey,
                        "'\(signer.name)' is a \(key.type) key; OMS signatures need ECDSA P-256, P-384 or P-521"))
            }
            for key in signer.publicKeys where isClaimedKey(key) && key.type.isAllowedForModelSigning {
                if key.isValidSignature(bundle.signature, over: pae) {
                    let identity = SignerIdentity(
                        method: "public-key", name: signer.name, keyFingerprint: key.modelSigningHint())
                    trusted.append((identity, signer))
                    break
                }
                findings.append(
                    Finding(
                        .signatureInvalid,
                        "the signature does not verify with the key of \(signer.name): the payload or signature was changed"
                    ))
            }
        }
        if !trusted.isEmpty { return .trusted(trusted) }
        if findings.isEmpty {
            findings.append(
                Finding(
                    .keyMismatch,
                    "the model was not signed by any trusted key (\(keyed.map(\.name).joined(separator: ", ")))"))
        }
        return .rejected(findings)
    }

    private func checkCertificates(_ ders: [[UInt8]], pae: [UInt8]) throws(StemmaError) -> Outcome {
        var chain: [Certificate] = []
        for (index, der) in ders.enumerated() {
            chain.append(try Certificate(der: der, source: "certificate \(index) of the signature's chain"))
        }
        let leaf = chain[0]
        let authorities = signers.filter { !$0.certificateAuthorities.isEmpty }
        guard !authorities.isEmpty else {
            return .rejected([
                Finding(
                    .untrustedCertificate,
                    "the model was signed with a certificate (\(leaf.subject)), but only public keys are trusted")
            ])
        }
        let leafKey = try leaf.publicKey()
        // A subject that cannot be read attribute by attribute matches no leafSubject rule.
        let leafAttributes = try? leaf.subjectAttributes()
        var findings: [Finding] = []
        var trusted: [(identity: SignerIdentity, signer: TrustedSigner)] = []
        for signer in authorities {
            let verifier = CertificateChainVerifier(trusted: signer.certificateAuthorities)
            if let reason = verifier.failureReason(leaf: leaf, intermediates: Array(chain.dropFirst())) {
                findings.append(
                    Finding(
                        .untrustedCertificate,
                        "the signing certificate \(leaf.subject) does not chain to \(signer.name): \(reason)"))
                continue
            }
            if let pattern = signer.leafSubject, !(leafAttributes.map(pattern.matches) ?? false) {
                findings.append(
                    Finding(
                        .untrustedCertificate,
                        "the signing certificate \(leaf.subject) does not match \(signer.name)'s leafSubject \"\(pattern)\""
                    ))
                continue
            }
            guard leaf.allowsDigitalSignature else {
                return .rejected([
                    Finding(
                        .certificateUsage,
                        "the signing certificate \(leaf.subject) may not make digital signatures: its KeyUsage lacks digitalSignature, or it has no KeyUsage and no codeSigning ExtendedKeyUsage"
                    )
                ])
            }
            guard leafKey.type.isAllowedForModelSigning else {
                return .rejected([
                    Finding(
                        .unsupportedKey,
                        "the signing certificate's key is \(leafKey.type); OMS allows ECDSA P-256, P-384 and P-521")
                ])
            }
            guard leafKey.isValidSignature(bundle.signature, over: pae) else {
                return .rejected([
                    Finding(
                        .signatureInvalid,
                        "the signature does not verify with the certificate \(leaf.subject): the payload or signature was changed"
                    )
                ])
            }
            let identity = SignerIdentity(
                method: "certificate", name: signer.name, keyFingerprint: leafKey.modelSigningHint(),
                certificateSubject: leaf.subject)
            trusted.append((identity, signer))
        }
        return trusted.isEmpty ? .rejected(findings) : .trusted(trusted)
    }
}
