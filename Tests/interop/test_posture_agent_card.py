"""A2A card signatures (spec §8.4: JWS ES256, detached payload = RFC 8785 JCS of the card without `signatures`),
made with Python `cryptography`: `stemma posture --jwks` verifies the good one (no AP-ID-2), fails a one-tag
edit and an unknown key, and leaves a signed card without keys `unverified`."""

import base64
import json

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

import support


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _jcs(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _key(kid):
    private = ec.generate_private_key(ec.SECP256R1())
    numbers = private.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "kid": kid, "x": _b64u(numbers.x.to_bytes(32, "big")),
           "y": _b64u(numbers.y.to_bytes(32, "big"))}
    return private, jwk


def _card(name):
    return {
        "name": name, "description": "Reports on accounts – «ünïcode» kept",
        "provider": {"organization": "Acme", "url": "https://agents.acme.example"},
        "version": "1.0.0",
        "supportedInterfaces": [{"url": "https://agents.acme.example/a2a", "protocolBinding": "JSONRPC"}],
        "securitySchemes": {"oauth": {"oauth2SecurityScheme": {"flows": {"clientCredentials": {
            "tokenUrl": "https://auth.acme.example/token",
            "scopes": {"read:accounts": "read", "write:reports": "write"}}}}}},
        "securityRequirements": [{"schemes": {"oauth": {"list": ["read:accounts"]}}}],
        "skills": [{"id": "report", "name": "Report", "description": "d", "tags": ["finance"],
                    "securityRequirements": [{"schemes": {"oauth": {"list": ["write:reports"]}}}]}],
        "capabilities": {"streaming": False},
    }


def _sign(card, private, kid):
    protected = _b64u(json.dumps({"alg": "ES256", "kid": kid, "typ": "JOSE"}).encode())
    signature = private.sign(f"{protected}.{_b64u(_jcs(card))}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(signature)
    return dict(card, signatures=[{"protected": protected, "signature": _b64u(r.to_bytes(32, "big") + s.to_bytes(32, "big"))}])


def _findings(tmp_path, jwks):
    args = ["posture", "--inventory", tmp_path / "fleet", "--policy", tmp_path / "policy.yaml", "--format", "json"]
    if jwks is not None:
        (tmp_path / "jwks.json").write_text(json.dumps({"keys": jwks}))
        args += ["--jwks", tmp_path / "jwks.json"]
    res = support.stemma(*args)
    assert res.rc == 0, res.stderr
    return {agent["id"]: {(f["rule"], f["status"]) for f in agent["findings"]} for agent in json.loads(res.stdout)["agents"]}


def test_card_signatures(tmp_path):
    private, jwk = _key("key-1")
    other, _ = _key("key-1")
    (tmp_path / "policy.yaml").write_text("agent_posture_policy:\n  identity: {agent_id: '*'}\n")
    cards = {
        "good": _sign(_card("good"), private, "key-1"),
        "tampered": _sign(_card("tampered"), private, "key-1"),
        "stranger": _sign(_card("stranger"), other, "key-1"),
        "unknown-kid": _sign(_card("unknown-kid"), private, "key-9"),
    }
    cards["tampered"]["skills"][0]["tags"] = ["finance", "admin"]  # one tag added after signing
    for name, card in cards.items():
        folder = tmp_path / "fleet" / name / ".well-known"
        folder.mkdir(parents=True)
        (folder / "agent-card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2))
    checked = _findings(tmp_path, [jwk])
    assert not any(rule == "AP-ID-2" for rule, _ in checked["good"])
    assert not any(rule == "AP-ID-1" for rule, _ in checked["good"])  # name + provider is a stable id
    for name in ["tampered", "stranger", "unknown-kid"]:
        assert ("AP-ID-2", "fail") in checked[name], name
    unchecked = _findings(tmp_path, None)
    assert ("AP-ID-2", "unverified") in unchecked["good"]


def test_allowed_signers_restrict_the_key(tmp_path):
    private, jwk = _key("key-2")
    folder = tmp_path / "fleet" / "a" / ".well-known"
    folder.mkdir(parents=True)
    (folder / "agent-card.json").write_text(json.dumps(_sign(_card("a"), private, "key-2")))
    (tmp_path / "policy.yaml").write_text(
        "agent_posture_policy:\n  identity:\n    agent_id: a\n"
        "    allowed_signers: ['kid:key-1@https://agents.acme.example/.well-known/jwks.json']\n")
    assert ("AP-ID-2", "fail") in _findings(tmp_path, [jwk])["a"]
    (tmp_path / "policy.yaml").write_text(
        "agent_posture_policy:\n  identity:\n    agent_id: a\n"
        "    allowed_signers: ['kid:key-2@https://agents.acme.example/.well-known/jwks.json']\n")
    assert not any(rule == "AP-ID-2" for rule, _ in _findings(tmp_path, [jwk])["a"])
