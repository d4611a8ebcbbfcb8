"""What Stemma prints and reads validates against the JSON Schemas it publishes in schemas/."""

import json
import pathlib

import jsonschema
import pytest

import support

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "verify-report.schema.json").read_text())
POLICY_SCHEMA = json.loads((ROOT / "schemas" / "trust-policy.schema.json").read_text())
IMPACT_SCHEMA = json.loads((ROOT / "schemas" / "impact-report.schema.json").read_text())
GRAPH_SCHEMA = json.loads((ROOT / "schemas" / "graph.schema.json").read_text())
SIGN_SCHEMA = json.loads((ROOT / "schemas" / "sign-result.schema.json").read_text())
ATTESTATION_SCHEMA = json.loads((ROOT / "schemas" / "attestation-verdict.schema.json").read_text())
CARD_SCHEMA = json.loads((ROOT / "schemas" / "card-verification.schema.json").read_text())
FLEET = ROOT / "examples" / "fleet"


def _validate(instance, schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(instance)


def test_verified_report_matches_the_schema(tmp_path, key):
    model = support.make_model(tmp_path / "m")
    sig = tmp_path / "m.sig"
    assert support.ms_sign_key(model, key, sig).rc == 0
    res = support.stemma_verify(model, "--signature", sig, "--public-key", key.public, "--format", "json")
    report = support.assert_verified(res)
    _validate(report, REPORT_SCHEMA)


@pytest.mark.parametrize("damage", ["modify", "extra", "wrong-key"])
def test_failed_reports_match_the_schema(tmp_path, keys, damage):
    key = keys["P-256"]
    model = support.make_model(tmp_path / "m")
    sig = tmp_path / "m.sig"
    assert support.ms_sign_key(model, key, sig).rc == 0
    public = key.public
    if damage == "modify":
        support.flip_byte(model / "config.json")
    elif damage == "extra":
        support.write(model / "new.bin", b"new")
    else:
        public = keys["other"].public
    res = support.stemma_verify(model, "--signature", sig, "--public-key", public, "--format", "json")
    assert res.rc == 1
    report = json.loads(res.stdout)
    assert report["verdict"] == "failed" and report["findings"]
    _validate(report, REPORT_SCHEMA)


def test_demo_trust_policy_matches_the_schema():
    _validate(json.loads((ROOT / "trust-roots" / "demo" / "signers.json").read_text()), POLICY_SCHEMA)


def test_blake2b_signature_from_the_api_verifies(tmp_path, key):
    """model_signing's API can hash with BLAKE2b; its CLI cannot verify that, Stemma can."""
    model = support.make_model(tmp_path / "m")
    sig = tmp_path / "m.sig"
    support.api_sign(model, sig, key, hashing_algorithm="blake2")
    _, statement, _ = support.read_bundle(sig)
    assert statement["predicate"]["serialization"]["hash_type"] == "blake2b"
    report = support.assert_verified(support.stemma_verify(model, "--signature", sig, "--public-key", key.public,
                                                           "--format", "json"))
    assert report["hashType"] == "blake2b"
    support.flip_byte(model / "config.json")
    support.assert_rejected(support.stemma_verify(model, "--signature", sig, "--public-key", key.public,
                                                  "--format", "json"), "integrity.digest-mismatch")


@pytest.mark.parametrize(
    "query",
    [
        ["pkg:huggingface/meta-llama/Llama-3.1-8B"],
        ["pkg:huggingface/meta-llama/Llama-3.1-8B", "--kind", "model"],
        ["pkg:huggingface/meta-lama/Llama-3.1-8B"],
        ["--advisories", str(FLEET / "advisories")],
    ],
)
def test_impact_reports_match_the_schema(query):
    res = support.stemma("impact", *query, "--inventory", FLEET, "--format", "json")
    assert res.rc == 0, res.describe()
    report = json.loads(res.stdout)
    assert report["schemaVersion"] == 2
    _validate(report, IMPACT_SCHEMA)
    kinds = [component["kind"] for component in report["affected"]]
    # Agents come first, and every affected component is named, not only agents.
    assert kinds == sorted(kinds, key=lambda kind: kind != "agent")
    if query[0].startswith("pkg:huggingface/meta-llama") and "--kind" not in query:
        assert report["affectedAgents"] == 22 and "model" in kinds


def test_graph_matches_the_schema():
    res = support.stemma("graph", "--inventory", FLEET, "--format", "json")
    assert res.rc == 0, res.stderr
    graph = json.loads(res.stdout)
    assert graph["nodes"] and graph["edges"]
    _validate(graph, GRAPH_SCHEMA)


@pytest.mark.parametrize("shards", [False, True])
def test_sign_result_matches_the_schema(tmp_path, key, shards):
    model = support.make_model(tmp_path / "m")
    args = ["--shard-size", "1000"] if shards else []
    res = support.stemma("sign", model, "--private-key", key.private, *args, "--format", "json")
    assert res.rc == 0, res.stderr
    result = json.loads(res.stdout)
    _validate(result, SIGN_SCHEMA)
    # A second sign without --force refuses, and prints no result.
    again = support.stemma("sign", model, "--private-key", key.private, "--format", "json")
    assert again.rc == 2 and again.stdout == "" and "--force" in again.stderr


def test_attestation_verdicts_match_the_schema(tmp_path, key):
    document = tmp_path / "doc.json"
    document.write_text('{"name": "doc"}')
    envelope = tmp_path / "doc.intoto.json"
    res = support.stemma("attest", document, "--private-key", key.private, "--predicate-type",
                         "https://example.com/doc", "-o", envelope)
    assert res.rc == 0, res.stderr
    verified = support.stemma("verify-attestation", envelope, "--public-key", key.public, "--format", "json")
    assert verified.rc == 0, verified.stderr
    _validate(json.loads(verified.stdout), ATTESTATION_SCHEMA)
    subject = tmp_path / "artifact.bin"
    subject.write_bytes(b"not named by the statement")
    failed = support.stemma("verify-attestation", envelope, "--public-key", key.public, "--subject", subject,
                            "--format", "json")
    assert failed.rc == 1
    verdict = json.loads(failed.stdout)
    assert verdict["verdict"] == "failed" and verdict["reasons"]
    _validate(verdict, ATTESTATION_SCHEMA)


def test_card_verifications_match_the_schema(tmp_path):
    partner = ROOT / "examples" / "posture" / "partner"
    card = tmp_path / "card.json"
    signed = support.stemma("sign-card", partner / "agent-card.unsigned.json", "--private-key",
                            partner / "keys" / "card.pem", "--kid", "billing-card-2026", "--output", card)
    assert signed.rc == 0, signed.stderr
    valid = support.stemma("verify-card", card, "--jwks", partner / "keys" / "billing.jwks.json", "--format", "json")
    assert valid.rc == 0, valid.stderr
    _validate(json.loads(valid.stdout), CARD_SCHEMA)
    unknown = tmp_path / "other.jwks.json"
    unknown.write_text('{"keys": []}')
    untrusted = support.stemma("verify-card", card, "--jwks", unknown, "--format", "json")
    assert untrusted.rc == 1
    verdict = json.loads(untrusted.stdout)
    assert verdict["valid"] is False
    _validate(verdict, CARD_SCHEMA)
