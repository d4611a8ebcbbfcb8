"""A2A agent-card signatures, both ways, against jwcrypto (JWS) and rfc8785 (JCS) from PyPI (issue 13).

Python signs cards with jwcrypto over rfc8785's canonical form (detached payload) and `stemma verify-card`
must accept them; `stemma sign-card` signs and jwcrypto must verify the result. Tampered cards, wrong keys,
unknown kids and `alg: none` must fail with exit 1; unreadable input exits 2.
"""

import base64
import copy
import json

import pytest
import rfc8785
from jwcrypto import jwk, jws

from support import stemma

CARD = {
    "name": "Billing Agent",
    "description": "Answers billing questions. Ünïcödé € 😀",
    "url": "https://billing.example.com/a2a",
    "version": "1.2.0",
    "provider": {"organization": "Example Corp", "url": "https://example.com"},
    "capabilities": {"streaming": True, "pushNotifications": False},
    "defaultInputModes": ["text/plain"],
    "defaultOutputModes": ["application/json"],
    "skills": [{"id": "invoices", "name": "Invoices", "tags": ["billing"], "description": "a\u0001b\"c\\"}],
    "capabilities_params": {"ratio": 0.1, "big": 1e21, "small": 1e-7, "third": 333333333.3333333, "neg": -0.0,
                            "int": 9007199254740991, "exp": 1.5e300, "tiny": 5e-324, "n": 100.0},
}

KEYS = {
    "ES256": lambda: jwk.JWK.generate(kty="EC", crv="P-256"),
    "ES384": lambda: jwk.JWK.generate(kty="EC", crv="P-384"),
    "RS256": lambda: jwk.JWK.generate(kty="RSA", size=2048),
    "EdDSA": lambda: jwk.JWK.generate(kty="OKP", crv="Ed25519"),
}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def payload_of(card: dict) -> bytes:
    body = {k: v for k, v in card.items() if k != "signatures"}
    return rfc8785.dumps(body)


def python_sign(card: dict, key, alg: str, kid: str) -> dict:
    token = jws.JWS(payload_of(card))
    token.add_signature(key, alg=alg, protected=json.dumps({"alg": alg, "kid": kid, "typ": "JOSE"}))
    flat = json.loads(token.serialize())
    signed = copy.deepcopy(card)
    signed.setdefault("signatures", []).append({"protected": flat["protected"], "signature": flat["signature"]})
    return signed


def python_verify(card: dict, key) -> bool:
    payload = b64u(payload_of(card))
    for entry in card.get("signatures", []):
        token = jws.JWS()
        token.deserialize(json.dumps({"protected": entry["protected"], "signature": entry["signature"],
                                      "payload": payload}))
        try:
            token.verify(key)
            return True
        except jws.InvalidJWSSignature:
            continue
    return False


def jwks_file(tmp_path, *pairs) -> str:
    keys = []
    for kid, key in pairs:
        public = json.loads(key.export_public())
        public["kid"] = kid
        keys.append(public)
    path = tmp_path / "keys.jwks.json"
    path.write_text(json.dumps({"keys": keys}))
    return str(path)


def write(tmp_path, name, value) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1))
    return str(path)


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_python_signed_card_verifies_in_stemma(tmp_path, alg):
    key = KEYS[alg]()
    signed = python_sign(CARD, key, alg, "k1")
    card = write(tmp_path, "card.json", signed)
    res = stemma("verify-card", card, "--jwks", jwks_file(tmp_path, ("k1", key)), "--format", "json")
    assert res.rc == 0, res.describe()
    report = json.loads(res.stdout)
    assert report["valid"] is True
    assert report["signatures"][0]["status"] == "valid" and report["signatures"][0]["alg"] == alg
    import hashlib
    assert report["cardDigest"]["sha256"] == hashlib.sha256(payload_of(CARD)).hexdigest()


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_stemma_signed_card_verifies_in_python(tmp_path, alg):
    key = KEYS[alg]()
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.export_to_pem(private_key=True, password=None))
    card = write(tmp_path, "card.json", CARD)
    out = tmp_path / "signed.json"
    res = stemma("sign-card", card, "--private-key", str(pem), "--kid", "k-" + alg,
                 "--jku", "https://billing.example.com/jwks.json", "--output", str(out))
    assert res.rc == 0, res.describe()
    signed = json.loads(out.read_text())
    header = json.loads(base64.urlsafe_b64decode(signed["signatures"][0]["protected"] + "=="))
    assert header == {"alg": alg, "kid": "k-" + alg, "typ": "JOSE", "jku": "https://billing.example.com/jwks.json"}
    assert python_verify(signed, key)
    # And Stemma's own verifier agrees (jku recorded, never fetched: the host does not exist).
    res = stemma("verify-card", str(out), "--jwks", jwks_file(tmp_path, ("k-" + alg, key)))
    assert res.rc == 0, res.describe()
    assert "not fetched" in res.stdout
    # Tampering after signing is caught by Python too.
    signed["version"] = "1.2.1"
    assert not python_verify(signed, key)


def test_tampered_wrong_key_unknown_kid_and_none_fail(tmp_path):
    key = KEYS["ES256"]()
    other = KEYS["ES256"]()
    signed = python_sign(CARD, key, "ES256", "k1")

    tampered = copy.deepcopy(signed)
    tampered["skills"][0]["tags"].append("admin")
    res = stemma("verify-card", write(tmp_path, "t.json", tampered), "--jwks", jwks_file(tmp_path, ("k1", key)),
                 "--format", "json")
    assert res.rc == 1, res.describe()
    assert json.loads(res.stdout)["signatures"][0]["status"] == "invalid"

    res = stemma("verify-card", write(tmp_path, "c.json", signed), "--jwks", jwks_file(tmp_path, ("k1", other)),
                 "--format", "json")
    assert res.rc == 1 and json.loads(res.stdout)["signatures"][0]["status"] == "invalid", res.describe()

    res = stemma("verify-card", write(tmp_path, "c.json", signed), "--jwks", jwks_file(tmp_path, ("k2", key)),
                 "--format", "json")
    assert res.rc == 1 and json.loads(res.stdout)["signatures"][0]["status"] == "untrusted", res.describe()

    none = copy.deepcopy(CARD)
    none["signatures"] = [{"protected": b64u(b'{"alg":"none","kid":"k1"}'), "signature": ""}]
    res = stemma("verify-card", write(tmp_path, "n.json", none), "--jwks", jwks_file(tmp_path, ("k1", key)))
    assert res.rc == 1, res.describe()

    # A key-confusion attempt: an HS256 signature keyed with the public JWK's bytes never counts.
    hs = copy.deepcopy(CARD)
    hs["signatures"] = [{"protected": b64u(b'{"alg":"HS256","kid":"k1"}'), "signature": b64u(b"x" * 32)}]
    res = stemma("verify-card", write(tmp_path, "h.json", hs), "--jwks", jwks_file(tmp_path, ("k1", key)))
    assert res.rc == 1, res.describe()

    unsigned = write(tmp_path, "u.json", CARD)
    assert stemma("verify-card", unsigned, "--jwks", jwks_file(tmp_path, ("k1", key))).rc == 1


def test_one_valid_signature_among_several_is_enough(tmp_path):
    good, stranger = KEYS["EdDSA"](), KEYS["ES384"]()
    signed = python_sign(python_sign(CARD, stranger, "ES384", "gone"), good, "EdDSA", "current")
    res = stemma("verify-card", write(tmp_path, "c.json", signed), "--jwks", jwks_file(tmp_path, ("current", good)),
                 "--format", "json")
    assert res.rc == 0, res.describe()
    statuses = [s["status"] for s in json.loads(res.stdout)["signatures"]]
    assert statuses == ["untrusted", "valid"]


def test_unreadable_inputs_exit_2(tmp_path):
    key = KEYS["ES256"]()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert stemma("verify-card", str(bad), "--jwks", jwks_file(tmp_path, ("k1", key))).rc == 2
    card = write(tmp_path, "c.json", python_sign(CARD, key, "ES256", "k1"))
    assert stemma("verify-card", card, "--jwks", str(bad)).rc == 2
    huge = tmp_path / "huge.json"
    huge.write_text('{"name": "x", "n": 1e400, "signatures": []}')
    assert stemma("verify-card", str(huge), "--jwks", jwks_file(tmp_path, ("k1", key))).rc == 2
