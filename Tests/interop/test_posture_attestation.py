"""Cross-boundary posture (issue 13 §2): B signs its A2A card (jwcrypto + rfc8785), `stemma posture attest`
signs B's evaluated posture, and A checks it with `stemma verify-attestation --require`.

The attestation is also verified independently (securesystemslib DSSE + in-toto-attestation), and a stale one
is re-signed by securesystemslib with an old evaluatedAt.
"""

import base64
import copy
import hashlib
import json
import pathlib

import jsonschema
import rfc8785
from jwcrypto import jwk

from attest_support import openssl_key, sign_with_securesystemslib, verify_with_securesystemslib
from support import stemma
from test_agent_cards import python_sign

CARD = {
    "name": "billing",
    "description": "Answers billing questions",
    "url": "https://billing.example.com/a2a",
    "version": "1.0.0",
    "provider": {"organization": "Example Corp", "url": "https://example.com"},
    "capabilities": {},
    "skills": [{"id": "invoices", "name": "Invoices", "tags": ["billing"]}],
}

POLICY = """\
agent_posture_policy:
  identity: {agent_id: billing}
  execution: {max_sub_agents: 0, requires_human_approval: [any_write_operation]}
"""

CALLER = """\
caller_posture_policy:
  denied_capabilities: [code_execution, shell]
  approval_on_writes: true
  max_sub_agents: 0
  allowed_scopes: ["read:*"]
  max_age_days: 7
  signer_jwks: b.jwks.json
"""


ROOT = pathlib.Path(__file__).resolve().parents[2]
PREDICATE_SCHEMA = json.loads((ROOT / "schemas" / "posture-predicate.schema.json").read_text())


def validate_predicate(statement):
    """The statement's predicate against schemas/posture-predicate.schema.json (its type is the schema's)."""
    assert statement["predicateType"] == "https://stemma.dev/posture/v1"
    jsonschema.Draft202012Validator.check_schema(PREDICATE_SCHEMA)
    jsonschema.Draft202012Validator(PREDICATE_SCHEMA, format_checker=jsonschema.FormatChecker()).validate(
        statement["predicate"])


SAFE_TOOLS = [
    {"name": "lookup_invoice", "classes": ["sensitive_data_read"], "approval": "none"},
    {"name": "refund", "classes": ["external_side_effect"], "approval": "ask"},
]
SHELL_TOOLS = SAFE_TOOLS + [{"name": "run_shell", "classes": ["shell"], "approval": "none"}]


def manifest(tools) -> str:
    lines = ["stemma: component/v1", "kind: agent", "name: billing", "owner: billing-team", "stage: production",
             "posture:", "  scopes: [read:invoices]", "  tools:"]
    for tool in tools:
        lines.append(f"    - {{name: {tool['name']}, classes: [{', '.join(tool['classes'])}], "
                     f"approval: {tool['approval']}}}")
    return "\n".join(lines) + "\n"


def make_b(tmp_path, tools):
    """Agent B's inventory: its signed card and a stemma.yaml declaring `tools`; returns paths."""
    card_key = jwk.JWK.generate(kty="EC", crv="P-256")
    fleet = tmp_path / "fleet" / "billing"
    (fleet / ".well-known").mkdir(parents=True)
    signed = python_sign(CARD, card_key, "ES256", "card-1")
    card = fleet / ".well-known" / "agent-card.json"
    card.write_text(json.dumps(signed, indent=2))
    (fleet / "stemma.yaml").write_text(manifest(tools))
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    posture_private, posture_public = openssl_key(tmp_path, "posture", "P-256")
    # B's JWKS: the card key and the posture key, as B would publish them at its jku.
    posture_jwk = json.loads(jwk.JWK.from_pem(posture_public.read_bytes()).export_public())
    posture_jwk["kid"] = "posture-1"
    card_jwk = json.loads(card_key.export_public())
    card_jwk["kid"] = "card-1"
    (tmp_path / "b.jwks.json").write_text(json.dumps({"keys": [card_jwk, posture_jwk]}))
    caller = tmp_path / "caller.yaml"
    caller.write_text(CALLER)
    return {"fleet": tmp_path / "fleet", "card": card, "policy": policy, "private": posture_private,
            "public": posture_public, "jwks": tmp_path / "b.jwks.json", "caller": caller}


def attest(b, out):
    res = stemma("posture", "attest", "--agent", "billing", "--inventory", b["fleet"], "--policy", b["policy"],
                 "--jwks", b["jwks"], "--private-key", b["private"], "--output", out)
    assert res.rc == 0, res.describe()
    return json.loads(out.read_text())


def check(b, envelope_path, card=None, caller=None):
    return stemma("verify-attestation", envelope_path, "--public-key", b["public"], "--subject", card or b["card"],
                  "--require", caller or b["caller"], "--format", "json")


def test_safe_agent_passes_and_statement_verifies_independently(tmp_path):
    b = make_b(tmp_path, SAFE_TOOLS)
    out = tmp_path / "posture.intoto.json"
    envelope = attest(b, out)
    statement = verify_with_securesystemslib(envelope, [b["public"]])
    validate_predicate(statement)
    card = json.loads(b["card"].read_text())
    body = {k: v for k, v in card.items() if k != "signatures"}
    digest = hashlib.sha256(rfc8785.dumps(body)).hexdigest()
    assert {"name": "a2a-card:billing", "digest": {"sha256": digest}} in statement["subject"]
    predicate = statement["predicate"]
    assert predicate["agent"]["id"] == "billing"
    assert predicate["card"]["signature"] == "verified" and predicate["card"]["signerKid"] == "card-1"
    assert predicate["policy"]["digest"]["sha256"] == hashlib.sha256(b["policy"].read_bytes()).hexdigest()
    assert predicate["limits"]["maxSubAgents"] == 0
    assert {r["rule"] for r in predicate["results"]} >= {"AP-ID-2", "AP-PERM-1", "AP-PERM-4"}
    # The manifest is a subject too, by its bytes.
    settings = b["fleet"] / "billing" / "stemma.yaml"
    assert hashlib.sha256(settings.read_bytes()).hexdigest() in [s["digest"]["sha256"] for s in statement["subject"]]

    res = check(b, out)
    assert res.rc == 0, res.describe()
    assert json.loads(res.stdout)["verdict"] == "verified"
    # Config files are subjects by their bytes, next to the card.
    res = stemma("verify-attestation", out, "--public-key", b["public"], "--subject", b["card"], "--subject",
                 settings, "--require", b["caller"])
    assert res.rc == 0, res.describe()
    # The same card re-serialised (other whitespace and key order) is still the attested card.
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps(dict(reversed(list(card.items())))))
    assert check(b, out, card=reordered).rc == 0


def test_a_refuses_b_when_its_posture_grants_a_shell(tmp_path):
    b = make_b(tmp_path, SHELL_TOOLS)
    out = tmp_path / "posture.intoto.json"
    envelope = attest(b, out)  # exit 0 although the posture fails: the caller decides
    predicate = json.loads(base64.b64decode(envelope["payload"]))
    validate_predicate(predicate)
    assert "run_shell" in predicate["predicate"]["approvals"]["writeToolsWithoutApproval"]
    res = check(b, out)
    assert res.rc == 1, res.describe()
    reasons = json.loads(res.stdout)["reasons"]
    assert any(r.startswith("requirement denied_capabilities") and "shell" in r for r in reasons), reasons
    assert any(r.startswith("requirement approval_on_writes") for r in reasons), reasons


def test_attestation_for_a_different_card_fails(tmp_path):
    b = make_b(tmp_path, SAFE_TOOLS)
    out = tmp_path / "posture.intoto.json"
    attest(b, out)
    other = json.loads(b["card"].read_text())
    other["url"] = "https://evil.example.com/a2a"
    other_path = tmp_path / "other-card.json"
    other_path.write_text(json.dumps(other))
    res = check(b, out, card=other_path)
    assert res.rc == 1, res.describe()
    assert any("is not the attested card" in r for r in json.loads(res.stdout)["reasons"])


def test_stale_attestation_and_foreign_signer_fail(tmp_path):
    b = make_b(tmp_path, SAFE_TOOLS)
    out = tmp_path / "posture.intoto.json"
    envelope = attest(b, out)
    statement = json.loads(base64.b64decode(envelope["payload"]))
    old = copy.deepcopy(statement)
    old["predicate"]["evaluatedAt"] = "2026-01-01T00:00:00Z"
    stale = tmp_path / "stale.intoto.json"
    stale.write_text(json.dumps(sign_with_securesystemslib(json.dumps(old).encode(), b["private"], b["public"])))
    res = check(b, stale)
    assert res.rc == 1, res.describe()
    assert any(r.startswith("requirement max_age_days") for r in json.loads(res.stdout)["reasons"])

    # Signed by a key that B's JWKS does not hold: the signature verifies with --public-key, but not signer_jwks.
    foreign_private, foreign_public = openssl_key(tmp_path, "foreign", "P-256")
    foreign = tmp_path / "foreign.intoto.json"
    foreign.write_text(json.dumps(sign_with_securesystemslib(json.dumps(statement).encode(), foreign_private,
                                                             foreign_public)))
    res = stemma("verify-attestation", foreign, "--public-key", foreign_public, "--subject", b["card"],
                 "--require", b["caller"], "--format", "json")
    assert res.rc == 1, res.describe()
    assert any(r.startswith("requirement signer_jwks") for r in json.loads(res.stdout)["reasons"])

    # A tampered envelope fails at the signature, before any requirement.
    tampered = json.loads(out.read_text())
    tampered["payload"] = base64.b64encode(json.dumps(old).encode()).decode()
    tampered_path = tmp_path / "tampered.json"
    tampered_path.write_text(json.dumps(tampered))
    res = check(b, tampered_path)
    assert res.rc == 1
    assert not any(r.startswith("requirement") for r in json.loads(res.stdout)["reasons"])


def test_caller_policy_typos_are_refused(tmp_path):
    b = make_b(tmp_path, SAFE_TOOLS)
    out = tmp_path / "posture.intoto.json"
    attest(b, out)
    bad = tmp_path / "bad.yaml"
    bad.write_text("caller_posture_policy:\n  max_subagents: 0\n")
    assert check(b, out, caller=bad).rc == 2


def test_caller_policies_validate_against_the_schema():
    import pathlib

    import jsonschema
    import yaml

    schema = json.loads((pathlib.Path(__file__).resolve().parents[2] / "schemas" /
                         "caller-posture-policy.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate(yaml.safe_load(CALLER))
    validator.validate({"max_sub_agents": 0, "denied_capabilities": ["shell"]})
    root = pathlib.Path(__file__).resolve().parents[2]
    validator.validate(yaml.safe_load((root / "examples" / "posture" / "caller-policy.yaml").read_text()))
    for bad in ({"caller_posture_policy": {"max_subagents": 0}}, {"max_age_days": -1},
                {"denied_capabilities": ["root"]}):
        assert not validator.is_valid(bad), bad


def test_predicate_with_trace_evidence_matches_the_schema(tmp_path):
    """`posture attest --traces --history`: the predicate carries the runs, the baseline and the runtime findings
    (each naming its trace and span), and still validates; a predicate missing a member or with a runtime finding
    stripped of its span id does not."""
    examples = ROOT / "examples" / "posture"
    private, public = openssl_key(tmp_path, "posture", "P-256")
    history = tmp_path / "runs.jsonl"
    history.write_text((examples / "traces" / "runs.jsonl").read_text())
    out = tmp_path / "posture.intoto.json"
    res = stemma("posture", "attest", "--agent", "compliance-report-agent", "--inventory", examples / "fleet",
                 "--policy", examples / "policies" / "seed.yaml", "--traces", examples / "traces" / "spike.otlp.jsonl",
                 "--history", history, "--private-key", private, "--output", out)
    assert res.rc == 0, res.describe()
    statement = verify_with_securesystemslib(json.loads(out.read_text()), [public])
    validate_predicate(statement)
    evidence = statement["predicate"]["traceEvidence"]
    assert evidence["runs"] == 1 and evidence["baselineRuns"] == 30
    assert [f["rule"] for f in evidence["findings"]] == ["AP-EXEC-4"]
    assert evidence["findings"][0]["evidence"][0]["traceId"] == evidence["traceIds"][0]
    [baseline] = evidence["baseline"]
    assert baseline["traceId"] == evidence["traceIds"][0] and baseline["earlierRuns"] == 30
    tools = next(c for c in baseline["checks"] if c["metric"] == "tool_calls")
    assert tools == {"metric": "tool_calls", "value": 24, "window": 30, "mean": "2.00", "factor": 10, "flagged": True}
    validator = jsonschema.Draft202012Validator(PREDICATE_SCHEMA)
    stripped = copy.deepcopy(statement["predicate"])
    del stripped["traceEvidence"]["findings"][0]["evidence"][0]["spanId"]
    assert not validator.is_valid(stripped)
    missing = copy.deepcopy(statement["predicate"])
    del missing["results"]
    assert not validator.is_valid(missing)
