"""`stemma posture` JSON validates against schemas/posture-report.schema.json; the example policies against
schemas/posture-policy.schema.json."""

import json
import pathlib
import shutil

import jsonschema
import pytest
import yaml

import support

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "Tests" / "StemmaPostureTests" / "Fixtures" / "examples"
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "posture-report.schema.json").read_text())
POLICY_SCHEMA = json.loads((ROOT / "schemas" / "posture-policy.schema.json").read_text())


def _validate(instance, schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker()).validate(instance)


def _fleet(tmp_path):
    """The reference examples as a fleet, plus agents that make every kind of field appear."""
    fleet = tmp_path / "fleet"
    (fleet / "cc" / ".claude" / "agents").mkdir(parents=True)
    (fleet / "cx" / ".codex").mkdir(parents=True)
    (fleet / "cc" / "stemma.yaml").write_text(
        "stemma: component/v1\nkind: agent\nname: compliance-report-agent\nowner: t\nstage: production\n"
        "posture:\n  data: [pii]\n  scopes: [read:accounts]\n")
    shutil.copy(EXAMPLES / "claude-code.settings.json", fleet / "cc" / ".claude" / "settings.json")
    shutil.copy(EXAMPLES / "claude-code.agents.report-writer.md", fleet / "cc" / ".claude" / "agents" / "report-writer.md")
    (fleet / "cc" / ".claude" / "agents" / "helper.md").write_text("---\nname: helper\ndescription: h\n---\n")
    shutil.copy(EXAMPLES / "claude-code.mcp.json", fleet / "cc" / ".mcp.json")
    shutil.copy(EXAMPLES / "mcp.tools-list.json", fleet / "cc" / "accounts.tools-list.json")
    shutil.copy(EXAMPLES / "codex.config.toml", fleet / "cx" / ".codex" / "config.toml")
    (fleet / "leak").mkdir()
    (fleet / "leak" / ".mcp.json").write_text(json.dumps(
        {"mcpServers": {"x": {"command": "npx", "args": ["-y", "some-server"], "env": {"API_TOKEN": "abcdefgh12345678"}}}}))
    # A Copilot repository: setup steps (the reference's example) and an exported ruleset requiring one review.
    (fleet / "gh" / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(EXAMPLES / "copilot-setup-steps.yml", fleet / "gh" / ".github" / "workflows" / "copilot-setup-steps.yml")
    (fleet / "gh" / "ruleset.json").write_text(json.dumps({
        "name": "main", "target": "branch", "enforcement": "active",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH"], "exclude": []}},
        "rules": [{"type": "pull_request", "parameters": {
            "required_approving_review_count": 1, "dismiss_stale_reviews_on_push": True,
            "require_code_owner_review": False, "require_last_push_approval": True,
            "required_review_thread_resolution": False}}]}, indent=2))
    return fleet


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_posture_report_matches_the_schema(tmp_path, fmt):
    fleet = _fleet(tmp_path)
    res = support.stemma("posture", "--inventory", fleet, "--policy", EXAMPLES / "agent_posture_policy.seed.yaml",
                         "--format", fmt)
    assert res.rc == 0, res.stderr
    report = json.loads(res.stdout)
    if fmt == "sarif":
        assert report["version"] == "2.1.0" and report["runs"][0]["results"]
        return
    _validate(report, REPORT_SCHEMA)
    ids = [agent["id"] for agent in report["agents"]]
    assert {"compliance-report-agent", "report-writer", "helper", "cx", "leak"} <= set(ids)
    rules = {(a["id"], f["rule"], f["status"]) for a in report["agents"] for f in a["findings"]}
    assert ("helper", "AP-PERM-3", "fail") in rules
    assert ("leak", "AP-GOV-2", "fail") in rules
    assert ("leak", "AP-TOOL-4", "fail") in rules
    assert "abcdefgh12345678" not in res.stdout
    notes = {a["id"]: a["notes"] for a in report["agents"]}
    assert any("profiles ci apply only with --profile" in n for n in notes["cx"])
    assert any("environment 'copilot'" in n for n in notes["gh"])
    gh = next(a for a in report["agents"] if a["id"] == "gh")
    assert gh["scopes"] == ["github-token:contents:read"]
    assert not any(f["rule"] == "AP-CODE-1" for f in gh["findings"])
    assert [a["rank"] for a in report["agents"]] == list(range(1, len(ids) + 1))


def test_posture_with_advisories_matches_the_schema():
    """The repository's example fleet with its OSV advisory: supply-chain flags reach agents, JSON stays valid."""
    fleet = ROOT / "examples" / "fleet"
    policy = EXAMPLES / "agent_posture_policy.seed.yaml"
    res = support.stemma("posture", "--inventory", fleet, "--policy", policy, "--advisories", fleet / "advisories",
                         "--format", "json")
    assert res.rc == 0, res.stderr
    report = json.loads(res.stdout)
    _validate(report, REPORT_SCHEMA)
    assert any(agent["supplyChain"] for agent in report["agents"])


@pytest.mark.parametrize("name", ["agent_posture_policy.seed.yaml", "agent_posture_policy.stemma.yaml"])
def test_example_policies_match_the_policy_schema(name):
    _validate(yaml.safe_load((EXAMPLES / name).read_text()), POLICY_SCHEMA)


def test_posture_example_manifests_match_the_component_schema():
    """The example fleet's stemma.yaml files (some with a posture block) validate against component.schema.json."""
    schema = json.loads((ROOT / "schemas" / "component.schema.json").read_text())
    manifests = sorted((ROOT / "examples" / "posture").rglob("stemma.yaml"))
    assert len(manifests) >= 6
    for manifest in manifests:
        _validate(yaml.safe_load(manifest.read_text()), schema)
