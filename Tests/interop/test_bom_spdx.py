"""`stemma bom --format spdx` writes SPDX 3.0.1 JSON-LD that spdx3-validate accepts (JSON schema and SHACL shapes),
run offline against the vendored 3.0.1 files in spdx/, for the whole example fleet and for one agent."""

import json
import pathlib
import re
import subprocess
import sys

import pytest

import support

ROOT = pathlib.Path(__file__).resolve().parents[2]
FLEET = ROOT / "examples" / "fleet"
SPDX_DIR = pathlib.Path(__file__).resolve().parent / "spdx"
VALIDATOR = SPDX_DIR / "spdx3_validate_offline.py"
AGENT = "agent:cx-compliance-report-writer@2.0.1"
TIMESTAMP = "2026-11-27T00:00:00Z"

CASES = {
    "fleet": [],
    "agent": ["--agent", AGENT],
}


def _require_validator():
    try:
        import spdx3_validate  # noqa: F401
    except ImportError as e:
        pytest.fail(f"spdx3-validate is not installed in {sys.executable}: {e!r} (add it to requirements.txt)")


def _validate(path: pathlib.Path) -> subprocess.CompletedProcess:
    _require_validator()
    return subprocess.run(
        [sys.executable, str(VALIDATOR), str(SPDX_DIR), str(path)],
        # A hang guard only: the whole-fleet document costs ~100 CPU-s in the validator's pure-Python JSON schema
        # check (SHACL is ~3 s), and took over 600 s of wall clock on a busy 2-core machine.
        capture_output=True, text=True, timeout=1800,
    )


def _bom(*args) -> tuple:
    res = support.stemma("bom", "--inventory", FLEET, "--format", "spdx", "--timestamp", TIMESTAMP, *args,
                         timeout=120)
    assert res.rc == 0, res.describe()
    return res.stdout, json.loads(res.stdout)


@pytest.mark.parametrize("case", sorted(CASES))
def test_spdx_bom_passes_spdx3_validate(case, tmp_path):
    text, doc = _bom(*CASES[case])
    path = tmp_path / f"{case}.spdx3.json"
    path.write_text(text)
    result = _validate(path)
    assert result.returncode == 0, f"spdx3-validate rejected {case}:\n{result.stdout}\n{result.stderr}"

    assert doc["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
    graph = doc["@graph"]
    info = graph[0]
    assert info["type"] == "CreationInfo" and info["specVersion"] == "3.0.1"
    assert info["created"] == TIMESTAMP
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info["created"])
    ids = [e["spdxId"] for e in graph if "spdxId" in e]
    assert len(ids) == len(set(ids)), "duplicate spdxIds"
    types = {e.get("relationshipType") for e in graph} - {None}
    assert {"dependsOn", "ancestorOf", "trainedOn"} <= types
    if case == "fleet":
        assert "testedOn" in types
    for element in graph:
        for hash_ in element.get("verifiedUsing", []):
            assert hash_["algorithm"] == "sha256"
            assert re.fullmatch(r"[0-9a-f]{64}", hash_["hashValue"])
        if element["type"] == "dataset_DatasetPackage":
            assert element["dataset_datasetType"]


@pytest.mark.parametrize("name", ["sentiment-ft", "fraud-scorer.tar.gz"])
def test_spdx_bundle_bom_passes_spdx3_validate(name, tmp_path):
    bundle = ROOT / "examples" / "bundles" / name
    res = support.stemma("bom", bundle, "--format", "spdx", "--timestamp", TIMESTAMP, timeout=120)
    assert res.rc == 0, res.describe()
    path = tmp_path / "bundle.spdx3.json"
    path.write_text(res.stdout)
    result = _validate(path)
    assert result.returncode == 0, f"spdx3-validate rejected the bundle BOM:\n{result.stdout}\n{result.stderr}"
    files = [e for e in json.loads(res.stdout)["@graph"] if e.get("type") == "software_File"]
    assert files, "a bundle BOM lists the bundle's files"
    for element in files:
        assert len(element["verifiedUsing"]) == 1 and element["verifiedUsing"][0]["algorithm"] == "sha256"


def test_spdx_bom_is_deterministic():
    first, _ = _bom("--agent", AGENT)
    second, _ = _bom("--agent", AGENT)
    assert first == second


def test_validator_rejects_a_broken_bom(tmp_path):
    """The offline validator really checks: a wrong hash name and a made-up relationship type fail."""
    _, doc = _bom("--agent", AGENT)
    for element in doc["@graph"]:
        for hash_ in element.get("verifiedUsing", []):
            hash_["algorithm"] = "SHA-256"
        if element.get("relationshipType") == "ancestorOf":
            element["relationshipType"] = "fineTunedFrom"
    path = tmp_path / "broken.spdx3.json"
    path.write_text(json.dumps(doc))
    result = _validate(path)
    assert result.returncode != 0, "spdx3-validate accepted a broken document"


def test_spdx_refuses_advisories():
    res = support.stemma("bom", "--inventory", FLEET, "--format", "spdx", "--advisories", FLEET / "advisories")
    assert res.rc == 2, res.describe()
