"""A real MCP server's tools/list, snapshotted through the real MCP client, drives `stemma posture`: the
snapshot reader matches what servers send (annotations present and absent)."""

import asyncio
import json
import pathlib
import sys

import support

from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

HERE = pathlib.Path(__file__).resolve().parent


async def _tools_list() -> dict:
    params = StdioServerParameters(command=sys.executable, args=[str(HERE / "mcp_posture_server.py")])
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            result = await session.list_tools()
            return result.model_dump(mode="json", by_alias=True, exclude_none=True)


def test_real_server_snapshot_drives_posture(tmp_path):
    snapshot = asyncio.run(_tools_list())
    assert {tool["name"] for tool in snapshot["tools"]} == {"lookup_customer", "create_ticket", "run_python"}
    agent = tmp_path / "fleet" / "crm-agent"
    agent.mkdir(parents=True)
    (agent / "stemma.yaml").write_text("stemma: component/v1\nkind: agent\nname: crm-agent\nowner: t\n")
    (agent / ".mcp.json").write_text(json.dumps(
        {"mcpServers": {"crm": {"command": sys.executable, "args": ["mcp_posture_server.py"]}}}))
    # The wrapper form binds the snapshot to the server key.
    (agent / "crm-snapshot.json").write_text(json.dumps({"server": "crm", "result": snapshot}))
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "agent_posture_policy:\n  identity: {agent_id: crm-agent}\n"
        "  permissions: {denied_tools: [run_python]}\n"
        "  execution: {requires_human_approval: [any_write_operation]}\n")
    res = support.stemma("posture", "--inventory", tmp_path / "fleet", "--policy", policy, "--format", "json")
    assert res.rc == 0, res.stderr
    report = json.loads(res.stdout)
    (entry,) = report["agents"]
    tools = {tool["name"]: tool for tool in entry["tools"]}
    assert set(tools) == {"lookup_customer", "create_ticket", "run_python"}
    # Read-only, closed world: only the name's "customer" keyword marks it (heuristic evidence).
    assert tools["lookup_customer"]["evidence"] == {"sensitive_data_read": "heuristic"}
    assert tools["create_ticket"]["evidence"] == {"external_side_effect": "annotation"}
    # No annotations: readOnlyHint false, destructiveHint true, openWorldHint true; "python" adds a heuristic.
    assert tools["run_python"]["evidence"] == {
        "code_execution": "heuristic", "destructive": "annotation", "external_side_effect": "annotation",
        "network_egress": "annotation", "untrusted_content_in": "annotation"}
    findings = {(f["rule"], f["status"]) for f in entry["findings"]}
    assert ("AP-PERM-1", "fail") in findings
    assert ("AP-TOOL-3", "fail") in findings
    assert ("AP-EXEC-3", "unverified") in findings  # .mcp.json says nothing about approval outside Claude Code
