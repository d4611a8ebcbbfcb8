"""Names match as bytes; signer identities match as structures (issue 9).

Each case is built with the real tools (model_signing signs, Python `tarfile` packs, `cryptography` issues the
certificates) and asserts Stemma's exit status and finding code, and what model_signing does on the same input:
where model_signing also refuses, both agree; where Stemma is stricter (docs/cli.md says where), the test shows
model_signing accepting, so the difference is deliberate and visible.
"""

import base64
import datetime as dt
import hashlib
import json
import os
import pathlib
import shutil
import tarfile
import unicodedata

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import support as s
from support import assert_rejected, assert_verified, stemma_verify

NFC = "caf\u00e9.bin"
NFD = unicodedata.normalize("NFD", NFC)
KELVIN = "\u212aernel.json"


def _names(folder: pathlib.Path) -> set:
    return {os.fsencode(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------


def test_a_signed_file_renamed_to_its_nfd_spelling_fails(tmp_path, key):
    model = s.make_model(tmp_path / "model", {NFC: b"weights", "config.json": b"{}"})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    assert_verified(stemma_verify(model, "--signature", sig, "--public-key", key.public))

    os.rename(model / NFC, model / NFD)
    assert NFC != NFD and unicodedata.normalize("NFC", NFD) == NFC
    assert _names(model) == {NFD.encode(), b"config.json"}, "the file system keeps the NFD bytes"
    res = stemma_verify(model, "--signature", sig, "--public-key", key.public)
    report = assert_rejected(res, "integrity.missing-file", path=NFC)
    assert "integrity.unlisted-file" in s.codes(res), res.describe()
    assert any(f.get("path") == NFD for f in report["findings"]), "the unlisted file is named by its own bytes"
    ms = s.ms_verify_key(model, sig, key.public)
    assert ms.rc != 0 and "Missing files" in ms.output, "model_signing reports the signed name missing\n" + ms.describe()


def test_kernel_json_spelled_with_kelvin_sign_in_a_tar_fails(tmp_path, key):
    model = s.make_model(tmp_path / "model", {"Kernel.json": b'{"k": 1}', "weights.bin": b"\x00" * 64})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    members = [("model", None), ("model/" + KELVIN, b'{"k": 1}'), ("model/weights.bin", b"\x00" * 64)]
    archive = s.tar_from_members(tmp_path / "model.tar", members)

    # What a reader unpacks: the KELVIN SIGN bytes, not "Kernel.json".
    out = tmp_path / "unpacked"
    with tarfile.open(archive) as t:
        assert t.getnames() == ["model", "model/" + KELVIN, "model/weights.bin"]
        t.extractall(out, filter="data")
    assert _names(out / "model") == {KELVIN.encode(), b"weights.bin"}
    ms = s.ms_verify_key(out / "model", sig, key.public)
    assert ms.rc != 0 and "Missing files" in ms.output, ms.describe()

    res = stemma_verify(archive, "--signature", sig, "--public-key", key.public)
    assert_rejected(res, "integrity.missing-file", path="Kernel.json")
    assert "integrity.unlisted-file" in s.codes(res), res.describe()


def test_a_tar_holding_kernel_json_in_two_spellings_is_ambiguous(tmp_path, key):
    # Signed honestly by model_signing on Linux, where the two spellings are two files; macOS and Windows unpack
    # them onto one (NFKC maps KELVIN SIGN to K), so which bytes a loader reads depends on the order of extraction.
    model = s.make_model(tmp_path / "model", {"Kernel.json": b'{"k": 1}', KELVIN: b'{"k": "evil"}'})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    assert s.ms_verify_key(model, sig, key.public).rc == 0, "model_signing accepts it (Stemma is stricter)"
    archive = s.make_archive(model, tmp_path, "tar")
    res = stemma_verify(archive, "--signature", sig, "--public-key", key.public)
    assert_rejected(res, "integrity.ambiguous-name", path="Kernel.json")
    assert_rejected(stemma_verify(model, "--signature", sig, "--public-key", key.public), "integrity.ambiguous-name")


def test_two_files_that_differ_only_in_case_are_ambiguous(tmp_path, key):
    model = s.make_model(tmp_path / "model", {"config.json": b'{"a": 1}', "Config.json": b'{"a": 2}'})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    ms = s.ms_verify_key(model, sig, key.public)
    assert ms.rc == 0, "model_signing accepts both names (Stemma is stricter)\n" + ms.describe()
    res = stemma_verify(model, "--signature", sig, "--public-key", key.public)
    report = assert_rejected(res, "integrity.ambiguous-name")
    found = [f for f in report["findings"] if f["code"] == "integrity.ambiguous-name"]
    assert len(found) == 1 and "config.json" in found[0]["message"] and "Config.json" in found[0]["message"]
    # Stemma does not sign such a model either.
    out = s.stemma("sign", model, "--private-key", key.private, "--signature", tmp_path / "stemma.sig")
    assert out.rc == 2 and "config.json" in out.output, out.describe()


def test_a_manifest_listing_two_spellings_is_ambiguous(tmp_path, key):
    # An independent producer signs a manifest that lists the NFC and NFD spellings; the folder holds only one.
    model = s.make_model(tmp_path / "model", {NFC: b"one"})
    resources = [{"name": n, "algorithm": "sha256", "digest": hashlib.sha256(b"one").hexdigest()}
                 for n in sorted([NFC, NFD])]
    sig = s.write_bundle(tmp_path / "model.sig", s.build_bundle(s.statement(resources), key))
    res = stemma_verify(model, "--signature", sig, "--public-key", key.public)
    assert_rejected(res, "integrity.ambiguous-name")


# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------


def _leaf(pki, directory: pathlib.Path, name: str, subject: x509.Name, *, key_usage, eku=None) -> s.Cert:
    """A leaf under the PKI's intermediate with an arbitrary subject."""
    now = dt.datetime.now(dt.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(pki.intermediate.cert.subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   pki.intermediate.key.public_key()), critical=False))
    if key_usage is not None:
        builder = builder.add_extension(key_usage, critical=True)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    cert = builder.sign(pki.intermediate.key, hashes.SHA256())
    directory.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = directory / f"{name}.key", directory / f"{name}.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return s.Cert(name, key, cert, key_path, cert_path)


def _usage(**on):
    return s._key_usage(**on)


def _trust_roots(directory: pathlib.Path, pki, leaf_subject: str) -> pathlib.Path:
    (directory / "certs").mkdir(parents=True)
    shutil.copy(pki.root.cert_path, directory / "certs" / "root.pem")
    policy = {"schemaVersion": 1, "signers": [{
        "name": "platform-ca", "certificateChain": ["certs/root.pem"], "leafSubject": leaf_subject,
        "models": ["*"]}]}
    (directory / "signers.json").write_text(json.dumps(policy))
    return directory


def _signed_by(tmp_path, pki, leaf) -> tuple:
    model = s.make_model(tmp_path / "model", {"w.bin": b"weights"})
    sig = tmp_path / "model.sig"
    s.ms_sign_cert(model, leaf, [pki.intermediate.cert_path], sig)
    return model, sig


def test_a_value_that_looks_like_cn_does_not_pass_for_the_cn(tmp_path, pki):
    mallory = _leaf(pki, tmp_path / "certs", "mallory", x509.Name([
        x509.NameAttribute(NameOID.COMMON_NAME, "mallory"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "CN=fraud-x")]),
        key_usage=_usage(digital_signature=True))
    # The flattened RFC 2253 subject that the old glob ran over: `*CN=fraud-*` matched it.
    assert mallory.cert.subject.rfc4514_string() == "OU=CN=fraud-x,CN=mallory"
    model, sig = _signed_by(tmp_path, pki, mallory)
    assert s.ms_verify_cert(model, sig, [pki.root.cert_path]).rc == 0, "the chain itself is valid"

    roots = _trust_roots(tmp_path / "roots", pki, "CN=fraud-*")
    res = stemma_verify(model, "--signature", sig, "--trust-roots", roots)
    report = assert_rejected(res, "signature.untrusted-certificate")
    assert any("leafSubject" in f["message"] for f in report["findings"]), res.describe()

    # The flattened-string form is refused when the policy is loaded, naming signers.json.
    flat = _trust_roots(tmp_path / "flat", pki, "*CN=fraud-*")
    res = stemma_verify(model, "--signature", sig, "--trust-roots", flat)
    s.assert_no_crash(res)
    assert res.rc == 2 and "signers.json" in res.stderr and "*CN=fraud-*" in res.stderr, res.describe()


def test_a_leaf_whose_cn_matches_is_trusted(tmp_path, pki):
    leaf = _leaf(pki, tmp_path / "certs", "fraud", x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Acme, Inc."),
        x509.NameAttribute(NameOID.COMMON_NAME, "fraud-scorer")]),
        key_usage=_usage(digital_signature=True))
    model, sig = _signed_by(tmp_path, pki, leaf)
    roots = _trust_roots(tmp_path / "roots", pki, "CN=fraud-*, O=Acme\\, Inc.")
    report = assert_verified(stemma_verify(model, "--signature", sig, "--trust-roots", roots))
    assert report["signer"]["name"] == "platform-ca"
    other = _trust_roots(tmp_path / "other", pki, "CN=fraud-*, O=Acme")
    assert_rejected(stemma_verify(model, "--signature", sig, "--trust-roots", other),
                    "signature.untrusted-certificate")


def _with_both_materials(bundle: dict, key: s.KeyPair, leaf: s.Cert) -> dict:
    material = bundle["verificationMaterial"]
    material["publicKey"] = {"hint": key.hint}
    material["x509CertificateChain"] = {"certificates": [
        {"rawBytes": base64.b64encode(leaf.cert.public_bytes(serialization.Encoding.DER)).decode()}]}
    return bundle


def test_a_certificate_bundle_that_also_carries_a_public_key_is_refused(tmp_path, pki, key):
    model, sig = _signed_by(tmp_path, pki, pki.leaf)
    assert_verified(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.root.cert_path))
    bundle = _with_both_materials(json.loads(sig.read_text()), key, pki.leaf)
    both = s.write_bundle(tmp_path / "both.sig", bundle)
    ms = s.ms_verify_cert(model, both, [pki.root.cert_path])
    assert ms.rc != 0, "model_signing refuses two kinds of verification material\n" + ms.describe()
    assert_rejected(stemma_verify(model, "--signature", both, "--certificate-chain", pki.root.cert_path),
                    "signature.ambiguous-material")


def test_a_key_bundle_that_also_carries_a_certificate_chain_is_refused(tmp_path, pki, key):
    model = s.make_model(tmp_path / "model", {"w.bin": b"weights"})
    sig = tmp_path / "model.sig"
    s.ms_sign_key(model, key, sig)
    both = s.write_bundle(tmp_path / "both.sig", _with_both_materials(json.loads(sig.read_text()), key, pki.leaf))
    ms = s.ms_verify_key(model, both, key.public)
    assert ms.rc != 0, "model_signing refuses two kinds of verification material\n" + ms.describe()
    assert_rejected(stemma_verify(model, "--signature", both, "--public-key", key.public),
                    "signature.ambiguous-material")


def test_key_usage_without_digital_signature_refuses_the_leaf_whatever_the_eku(tmp_path, pki):
    leaf = _leaf(pki, tmp_path / "certs", "certsign", x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")]),
                 key_usage=_usage(key_cert_sign=True), eku=[ExtendedKeyUsageOID.CODE_SIGNING])
    model, sig = _signed_by(tmp_path, pki, leaf)
    ms = s.ms_verify_cert(model, sig, [pki.root.cert_path])
    assert ms.rc == 0, "model_signing accepts EKU codeSigning despite KeyUsage (Stemma is stricter)\n" + ms.describe()
    assert_rejected(stemma_verify(model, "--signature", sig, "--certificate-chain", pki.root.cert_path),
                    "signature.certificate-usage")
