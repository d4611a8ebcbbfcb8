"""Signed AI-BOM attestations: Stemma <-> securesystemslib / in-toto-attestation / the openssl CLI.

(a) `stemma attest` output verifies with securesystemslib and validates with in-toto-attestation;
(b) an envelope made by the openssl-CLI signer script verifies with `stemma verify-attestation`,
    and fails once one payload byte changes;
(c) an envelope signed by securesystemslib's CryptoSigner verifies with Stemma.
"""

import json
import subprocess
import sys

import pytest

import attest_support as at
import support


@pytest.fixture(scope="module")
def attest_keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("attest-keys")
    return {alg: at.openssl_key(folder, f"key-{alg}", alg) for alg in ("P-256", "P-384", "ED25519")}


def verdict_of(result) -> dict:
    return json.loads(result.stdout)


@pytest.mark.parametrize("algorithm", ["P-256", "ED25519"])
@pytest.mark.parametrize("bundle", [False, True])
def test_stemma_attestation_verifies_with_securesystemslib(tmp_path, attest_keys, algorithm, bundle):
    private, public = attest_keys[algorithm]
    out = tmp_path / "mlbom.intoto.json"
    args = ["attest", at.MLBOM, "--private-key", private, "--output", out] + (["--bundle"] if bundle else [])
    r = support.stemma(*args)
    assert r.rc == 0, r.stderr
    document = json.loads(out.read_text())
    if bundle:
        assert document["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
        assert document["verificationMaterial"]["publicKey"]["hint"] == at.keyid(public)
        document = document["dsseEnvelope"]
    assert document["signatures"][0]["keyid"] == at.keyid(public)
    statement = at.verify_with_securesystemslib(document, [public])
    assert statement["predicateType"] == "https://cyclonedx.org/bom"
    assert statement["predicate"] == json.loads(at.MLBOM.read_text())
    assert statement["subject"] == [{"name": "support-agent", "digest": {
        "sha256": "0be8a603f4495047526e09f396ffa6dd43e5a0e0320768dd32f856033e9e3a7f"}}]
    # And Stemma agrees with itself.
    v = support.stemma("verify-attestation", out, "--public-key", public, "--format", "json")
    assert v.rc == 0, v.stdout + v.stderr
    assert verdict_of(v)["signers"] == [at.keyid(public)]


def test_stemma_attest_to_stdout_with_subject(tmp_path, attest_keys):
    private, public = attest_keys["P-384"]
    artifact = tmp_path / "agent-2.3.0.tar.gz"
    artifact.write_bytes(b"agent bytes")
    r = support.stemma("attest", at.MLBOM, "--private-key", private, "--subject", artifact)
    assert r.rc == 0, r.stderr
    (tmp_path / "env.json").write_text(r.stdout)
    v = support.stemma("verify-attestation", tmp_path / "env.json", "--public-key", public,
                       "--subject", artifact, "--format", "json")
    assert v.rc == 0, v.stdout + v.stderr
    artifact.write_bytes(b"changed")
    v = support.stemma("verify-attestation", tmp_path / "env.json", "--public-key", public,
                       "--subject", artifact, "--format", "json")
    assert v.rc == 1
    assert any(str(artifact) in reason for reason in verdict_of(v)["reasons"])


def test_openssl_cli_envelope_verifies_with_stemma(tmp_path, attest_keys):
    statement = tmp_path / "statement.json"
    statement.write_bytes(subprocess.run([sys.executable, at.MAKE_STATEMENT, at.MLBOM], check=True,
                                         capture_output=True).stdout)
    (ec_key, ec_pub), (ed_key, ed_pub) = attest_keys["P-256"], attest_keys["ED25519"]
    envelope = at.sign_with_openssl_cli(statement, ec_key, ed_key)
    good = tmp_path / "envelope.json"
    good.write_text(json.dumps(envelope))
    # The independent checker accepts it (the producer is sound).
    at.verify_with_securesystemslib(envelope, [ec_pub, ed_pub], threshold=2)
    for public in (ec_pub, ed_pub):
        r = support.stemma("verify-attestation", good, "--public-key", public, "--format", "json")
        assert r.rc == 0, r.stdout + r.stderr
        assert verdict_of(r)["verdict"] == "verified"
        assert verdict_of(r)["predicateType"] == "https://cyclonedx.org/bom"
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(at.flip_payload_byte(envelope)))
    r = support.stemma("verify-attestation", bad, "--public-key", ec_pub, "--public-key", ed_pub,
                       "--format", "json")
    assert r.rc == 1, r.stdout + r.stderr
    v = verdict_of(r)
    assert v["verdict"] == "failed" and v["signers"] == []
    assert any(str(bad) in reason for reason in v["reasons"])


@pytest.mark.parametrize("algorithm", ["P-256", "P-384", "ED25519"])
def test_securesystemslib_envelope_verifies_with_stemma(tmp_path, attest_keys, algorithm):
    private, public = attest_keys[algorithm]
    statement = subprocess.run([sys.executable, at.MAKE_STATEMENT, at.MLBOM], check=True,
                               capture_output=True).stdout
    envelope = at.sign_with_securesystemslib(statement, private, public)
    path = tmp_path / "sslib.json"
    path.write_text(json.dumps(envelope))
    r = support.stemma("verify-attestation", path, "--public-key", public, "--format", "json")
    assert r.rc == 0, r.stdout + r.stderr
    assert verdict_of(r)["signers"] == [at.keyid(public)]
    other_private, other_public = attest_keys["P-256" if algorithm != "P-256" else "ED25519"]
    r = support.stemma("verify-attestation", path, "--public-key", other_public, "--format", "json")
    assert r.rc == 1, r.stdout + r.stderr


def test_truncated_envelope_cannot_be_checked(tmp_path, attest_keys):
    private, public = attest_keys["P-256"]
    out = tmp_path / "env.json"
    assert support.stemma("attest", at.MLBOM, "--private-key", private, "--output", out).rc == 0
    out.write_bytes(out.read_bytes()[:200])
    r = support.stemma("verify-attestation", out, "--public-key", public)
    assert r.rc == 2
    assert str(out) in r.stderr
