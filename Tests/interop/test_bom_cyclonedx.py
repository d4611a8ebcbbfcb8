"""`stemma bom` writes CycloneDX ML-BOMs that cyclonedx-python-lib's JSON validator accepts, with every ref
resolving and no bom-ref repeated, for the whole example fleet, one agent, advisories, spec 1.7 and single model
bundles (whose file digests must be the real SHA-256 of the files)."""

import hashlib
import json
import pathlib

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator
from packageurl import PackageURL

import support

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLEET = ROOT / "examples" / "fleet"
ADVISORIES = FLEET / "advisories"
AGENT = "agent:cx-compliance-report-writer@2.0.1"

CASES = {
    "fleet": [],
    "agent": ["--agent", AGENT],
    "advisories": ["--advisories", ADVISORIES],
    "spec-1.7": ["--spec-version", "1.7"],
    "agent-advisories-1.7": ["--agent", AGENT, "--advisories", ADVISORIES, "--spec-version", "1.7"],
}


def _bom(*args) -> tuple:
    res = support.stemma("bom", "--inventory", FLEET, *args)
    assert res.rc == 0, res.describe()
    return res.stdout, json.loads(res.stdout)


def _walk_refs(node, refs):
    if isinstance(node, dict):
        if isinstance(node.get("bom-ref"), str):
            refs.append(node["bom-ref"])
        for value in node.values():
            _walk_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _walk_refs(value, refs)
    return refs


def _references(doc):
    refs = []
    for dependency in doc.get("dependencies", []):
        refs.append(dependency["ref"])
        refs.extend(dependency.get("dependsOn", []))
    for component in doc.get("components", []):
        for dataset in component.get("modelCard", {}).get("modelParameters", {}).get("datasets", []):
            refs.append(dataset["ref"])
    for vulnerability in doc.get("vulnerabilities", []):
        refs.extend(affect["ref"] for affect in vulnerability.get("affects", []))
    return refs


def _purls(node):
    if isinstance(node, dict):
        if isinstance(node.get("purl"), str):
            yield node["purl"]
        for value in node.values():
            yield from _purls(value)
    elif isinstance(node, list):
        for value in node:
            yield from _purls(value)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bom_is_schema_valid_with_intact_refs(case):
    text, doc = _bom(*CASES[case])
    assert doc["specVersion"] == ("1.7" if "1.7" in case else "1.6")
    _assert_valid(text, doc)


BUNDLES = ROOT / "examples" / "bundles"


@pytest.mark.parametrize("bundle", ["sentiment-ft", "fraud-scorer.tar.gz"])
def test_bundle_bom_is_schema_valid_with_recomputed_digests(bundle):
    res = support.stemma("bom", BUNDLES / bundle)
    assert res.rc == 0, res.describe()
    doc = json.loads(res.stdout)
    _assert_valid(res.stdout, doc)
    subject = doc["metadata"]["component"]
    assert subject["type"] == "machine-learning-model"
    files = [c for c in doc["components"] if c["type"] == "file"]
    assert files, "a bundle BOM lists the bundle's files"
    for component in files:
        assert {"name": "stemma:evidence", "value": "verified"} in component["properties"]
        assert len(component["hashes"]) == 1 and component["hashes"][0]["alg"] == "SHA-256"
    dependencies = {d["ref"]: d.get("dependsOn", []) for d in doc["dependencies"]}
    assert {c["bom-ref"] for c in files} <= set(dependencies[subject["bom-ref"]])
    if not bundle.endswith(".tar.gz"):
        on_disk = {
            str(path.relative_to(BUNDLES / bundle)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in (BUNDLES / bundle).rglob("*") if path.is_file() and path.name != "model.sig"
        }
        assert {c["name"]: c["hashes"][0]["content"] for c in files} == on_disk


def test_bundle_bom_refuses_inventory_options():
    res = support.stemma("bom", BUNDLES / "sentiment-ft", "--inventory", FLEET)
    assert res.rc == 2, res.describe()


def _assert_valid(text, doc):
    version = SchemaVersion.from_version(doc["specVersion"])
    errors = JsonStrictValidator(version).validate_str(text, all_errors=True)
    assert errors is None, [f"{'/'.join(map(str, e.data.absolute_path))}: {e.data.message}" for e in errors]
    refs = _walk_refs(doc, [])
    assert len(refs) == len(set(refs)), "duplicate bom-refs"
    dangling = set(_references(doc)) - set(refs)
    assert not dangling, f"dangling refs: {sorted(dangling)}"
    listed = {c["bom-ref"] for c in doc["components"]} | {s["bom-ref"] for s in doc.get("services", [])}
    assert listed | {doc["metadata"]["component"]["bom-ref"]} == {d["ref"] for d in doc["dependencies"]}
    for purl in _purls(doc):
        PackageURL.from_string(purl)


def test_agent_bom_describes_the_agent():
    _, doc = _bom("--agent", AGENT)
    subject = doc["metadata"]["component"]
    assert subject["type"] == "application" and subject["bom-ref"] == AGENT
    assert {"name": "stemma:owner", "value": "cx-compliance"} in subject["properties"]
    assert all(c["bom-ref"] != AGENT for c in doc["components"])


def test_advisories_become_vulnerabilities_affecting_agents():
    _, doc = _bom("--advisories", ADVISORIES)
    entry = next(v for v in doc["vulnerabilities"] if v["id"] == "PYSEC-2023-18")
    affects = [a["ref"] for a in entry["affects"]]
    assert any(ref.startswith("pkg:pypi/langchain@") for ref in affects)
    assert any(ref.startswith("agent:") for ref in affects)
    assert entry["ratings"][0]["severity"] in {"critical", "high", "medium", "low", "unknown"}


def test_two_runs_are_byte_identical_and_serial_can_be_fixed(tmp_path):
    first, _ = _bom("--advisories", ADVISORIES)
    second, _ = _bom("--advisories", ADVISORIES)
    assert first == second
    out = tmp_path / "bom.cdx.json"
    serial = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
    res = support.stemma("bom", "--inventory", FLEET, "--serial-number", serial, "--output", out)
    assert res.rc == 0, res.describe()
    assert json.loads(out.read_text())["serialNumber"] == serial


def test_unknown_agent_exits_2():
    res = support.stemma("bom", "--inventory", FLEET, "--agent", "agent:nobody@0.0.1")
    assert res.rc == 2, res.describe()
