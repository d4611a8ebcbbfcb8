"""A2A card signatures against the A2A project's own Python SDK (`a2a-sdk[signing]`, issue 13): its
`create_agent_card_signer` output verifies in `stemma verify-card`, and a card `stemma sign-card` signs passes its
`create_signature_verifier`. The card JSON is the SDK's own `MessageToDict` form (default values omitted), which is
what a provider serves; Stemma canonicalizes it as given.
"""

import json

import pytest
from a2a.types import AgentCard
from a2a.utils.signing import create_agent_card_signer, create_signature_verifier
from google.protobuf.json_format import MessageToDict, ParseDict
from jwcrypto import jwk

from support import stemma

CARD = {
    "name": "Billing Agent", "description": "Answers billing questions (€, 😀)", "version": "1.0.0",
    "supportedInterfaces": [{"url": "https://billing.example.com/a2a", "protocolBinding": "JSONRPC",
                             "protocolVersion": "1.0"}],
    "capabilities": {"streaming": True}, "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"],
    "skills": [{"id": "invoices", "name": "Invoices", "description": "Looks up invoices", "tags": ["billing"]}],
}
KEYS = {"ES256": lambda: jwk.JWK.generate(kty="EC", crv="P-256"),
        "RS256": lambda: jwk.JWK.generate(kty="RSA", size=2048),
        "EdDSA": lambda: jwk.JWK.generate(kty="OKP", crv="Ed25519")}


def jwks(tmp_path, key, kid):
    public = json.loads(key.export_public())
    public["kid"] = kid
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps({"keys": [public]}))
    return path


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_a2a_sdk_signed_card_verifies_in_stemma(tmp_path, alg):
    key = KEYS[alg]()
    signer = create_agent_card_signer(key.export_to_pem(private_key=True, password=None),
                                      {"alg": alg, "kid": "sdk-1", "typ": "JOSE"})
    signed = signer(ParseDict(CARD, AgentCard()))
    card = tmp_path / "card.json"
    card.write_text(json.dumps(MessageToDict(signed), ensure_ascii=False, indent=2))
    res = stemma("verify-card", card, "--jwks", jwks(tmp_path, key, "sdk-1"))
    assert res.rc == 0, res.describe()
    # Tampered after signing: one skill tag more.
    tampered = MessageToDict(signed)
    tampered["skills"][0]["tags"].append("admin")
    card.write_text(json.dumps(tampered))
    assert stemma("verify-card", card, "--jwks", jwks(tmp_path, key, "sdk-1")).rc == 1


@pytest.mark.parametrize("alg", sorted(KEYS))
def test_stemma_signed_card_passes_the_a2a_sdk_verifier(tmp_path, alg):
    key = KEYS[alg]()
    pem = tmp_path / "key.pem"
    pem.write_bytes(key.export_to_pem(private_key=True, password=None))
    card = tmp_path / "card.json"
    card.write_text(json.dumps(MessageToDict(ParseDict(CARD, AgentCard()))))
    out = tmp_path / "signed.json"
    res = stemma("sign-card", card, "--private-key", pem, "--kid", "stemma-1", "--output", out)
    assert res.rc == 0, res.describe()
    parsed = ParseDict(json.loads(out.read_text()), AgentCard())
    public_pem = key.export_to_pem()
    seen = []

    def provider(kid, jku):
        seen.append(kid)
        return public_pem

    create_signature_verifier(provider, [alg])(parsed)  # raises when no signature verifies
    assert seen == ["stemma-1"]
    parsed.description = "changed"
    with pytest.raises(Exception):
        create_signature_verifier(provider, [alg])(parsed)
