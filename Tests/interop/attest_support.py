"""Helpers for the attestation interop tests (stemma attest / verify-attestation).

Independent producers and checkers only: keys from the openssl CLI, envelopes from the
openssl-CLI signer script (dsse_sign_openssl.sh) or securesystemslib's CryptoSigner,
verification by securesystemslib and in-toto-attestation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import pathlib
import subprocess

from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from google.protobuf import json_format
from in_toto_attestation.v1 import statement_pb2
from in_toto_attestation.v1.statement import Statement
from securesystemslib.dsse import Envelope
from securesystemslib.signer import CryptoSigner, SSlibKey

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
MLBOM = REPO / "Tests" / "StemmaInventoryTests" / "Fixtures" / "boms" / "mlbom-minimal.cdx.json"
SIGNER_SCRIPT = HERE / "dsse_sign_openssl.sh"
MAKE_STATEMENT = HERE / "make_statement.py"
IN_TOTO = "application/vnd.in-toto+json"


def openssl_key(folder: pathlib.Path, name: str, algorithm: str) -> tuple[pathlib.Path, pathlib.Path]:
    """A PKCS#8 PEM private key and its PEM public key, made by the openssl CLI.
    algorithm: 'P-256', 'P-384' or 'ED25519'."""
    private = folder / f"{name}.pem"
    public = folder / f"{name}.pub.pem"
    if algorithm == "ED25519":
        gen = ["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(private)]
    else:
        gen = ["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", f"ec_paramgen_curve:{algorithm}",
               "-out", str(private)]
    subprocess.run(gen, check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", str(private), "-pubout", "-out", str(public)],
                   check=True, capture_output=True)
    return private, public


def keyid(public_pem: pathlib.Path) -> str:
    """The keyid convention: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo (via the openssl CLI)."""
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", str(public_pem), "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return hashlib.sha256(der).hexdigest()


def sslib_key(public_pem: pathlib.Path) -> SSlibKey:
    return SSlibKey.from_crypto(load_pem_public_key(public_pem.read_bytes()), keyid=keyid(public_pem))


def verify_with_securesystemslib(envelope: dict, public_pems: list[pathlib.Path], threshold: int = 1) -> dict:
    """Verifies the envelope with securesystemslib (raises VerificationError), then validates the verified
    payload with in-toto-attestation; returns the statement."""
    env = Envelope.from_dict(envelope)
    assert env.payload_type == IN_TOTO
    env.verify([sslib_key(p) for p in public_pems], threshold)
    statement = json.loads(env.payload)
    Statement.copy_from_pb(json_format.ParseDict(statement, statement_pb2.Statement())).validate()
    return statement


def sign_with_securesystemslib(statement: bytes, private_pem: pathlib.Path, public_pem: pathlib.Path) -> dict:
    """A DSSE envelope signed by securesystemslib's CryptoSigner from a PEM private key."""
    signer = CryptoSigner(load_pem_private_key(private_pem.read_bytes(), password=None), sslib_key(public_pem))
    env = Envelope(payload=statement, payload_type=IN_TOTO, signatures={})
    env.sign(signer)
    return env.to_dict()


def sign_with_openssl_cli(statement_path: pathlib.Path, ec_key: pathlib.Path, ed_key: pathlib.Path) -> dict:
    """A DSSE envelope with two signatures (ECDSA P-256 and Ed25519) made by the openssl-CLI signer script."""
    out = subprocess.run(["bash", str(SIGNER_SCRIPT), str(statement_path), str(ec_key), str(ed_key)],
                         check=True, capture_output=True)
    return json.loads(out.stdout)


def flip_payload_byte(envelope: dict) -> dict:
    """A copy whose decoded payload differs in one byte (the first digit of the statement)."""
    payload = bytearray(base64.b64decode(envelope["payload"]))
    index = next(i for i, b in enumerate(payload) if chr(b).isdigit())
    payload[index] = ord("3") if payload[index] != ord("3") else ord("4")
    changed = dict(envelope)
    changed["payload"] = base64.b64encode(bytes(payload)).decode()
    return changed
