#!/usr/bin/env python3
"""Writes the example traces for `stemma posture --traces` (stdlib only, deterministic).

- compliance-report.otlp.json: the agent-posture reference's example trace (§3.5), one OTLP/JSON TracesData
  built to the OTLP/JSON encoding (hex ids, integer kinds, 64-bit integers as strings), with the agent ids of
  the example fleet (`compliance-report-agent`, sub-agent `report-writer`).
- runs.jsonl: a history of 30 earlier runs of compliance-report-agent (2 tool calls each).
- spike.otlp.jsonl: JSON Lines, two batches of one trace: a run with 24 tool calls (12x the baseline mean).
"""

import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
TRACE = "4fd0b6131f19f39af59518d127b0cafe"
T0 = 1795168800000000000


def attr(key, value):
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def span(trace, n, parent, name, kind, start_ms, end_ms, attrs):
    out = {"traceId": trace, "spanId": "a1b2c3d4e5f6%04x" % n, "name": name, "kind": kind,
           "startTimeUnixNano": str(T0 + start_ms * 1_000_000), "endTimeUnixNano": str(T0 + end_ms * 1_000_000),
           "attributes": [attr(k, v) for k, v in attrs], "status": {}}
    if parent is not None:
        out["parentSpanId"] = "a1b2c3d4e5f6%04x" % parent
    return out


def traces_data(spans):
    return {"resourceSpans": [{
        "resource": {"attributes": [attr("service.name", "compliance-report-agent")]},
        "scopeSpans": [{"scope": {"name": "example.agent", "version": "1.0"}, "spans": spans}]}]}


def agent(trace, n, parent, agent_id, start, end):
    return span(trace, n, parent, "invoke_agent " + agent_id, 1, start, end,
                [("gen_ai.operation.name", "invoke_agent"), ("gen_ai.agent.id", agent_id),
                 ("gen_ai.agent.name", agent_id)])


def chat(trace, n, parent, model, start, end, tokens_in, tokens_out):
    return span(trace, n, parent, "chat " + model, 3, start, end,
                [("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"),
                 ("gen_ai.request.model", model), ("gen_ai.usage.input_tokens", tokens_in),
                 ("gen_ai.usage.output_tokens", tokens_out)])


def tool(trace, n, parent, name, call, start, end):
    return span(trace, n, parent, "execute_tool " + name, 1, start, end,
                [("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", name),
                 ("gen_ai.tool.call.id", call), ("gen_ai.tool.type", "function"), ("mcp.method.name", "tools/call")])


def main():
    example = [
        agent(TRACE, 1, None, "compliance-report-agent", 0, 9400),
        chat(TRACE, 2, 1, "gpt-4o-2024-08-06", 100, 2100, 1834, 96),
        tool(TRACE, 3, 1, "document_summarizer", "call_Qx81TqzP0d", 2200, 3400),
        chat(TRACE, 4, 1, "gpt-4o-2024-08-06", 3500, 5400, 2410, 71),
        agent(TRACE, 5, 1, "report-writer", 5500, 9300),
        chat(TRACE, 6, 5, "gpt-4o-mini-2024-07-18", 5550, 5600, 1290, 412),
        tool(TRACE, 7, 5, "compliance_template_renderer", "call_Vb27LmwK3e", 5610, 7700),
        chat(TRACE, 8, 5, "gpt-4o-mini-2024-07-18", 7750, 9200, 1702, 38),
    ]
    (HERE / "compliance-report.otlp.json").write_text(json.dumps(traces_data(example), indent=2) + "\n")
    history = []
    for n in range(30):
        history.append({"schema": "stemma/posture-history/v1", "agent": "compliance-report-agent",
                        "traceId": "%032x" % (0x100 + n), "rootSpanId": "a1b2c3d4e5f60001",
                        "startTimeUnixNano": str(T0 - (30 - n) * 86_400 * 10**9), "toolCalls": 2,
                        "externalCalls": 0, "subAgentSpawns": 0, "tokens": 6000})
    (HERE / "runs.jsonl").write_text("".join(json.dumps(row) + "\n" for row in history))
    spike = "9e1f0c2d00000000000000000000beef"
    root = agent(spike, 1, None, "compliance-report-agent", 0, 60000)
    calls = [tool(spike, 10 + n, 1, "document_summarizer", "call_spike_%02d" % n, 100 + n * 10, 105 + n * 10)
             for n in range(24)]
    lines = [traces_data([root] + calls[:10]), traces_data(calls[10:])]
    (HERE / "spike.otlp.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))


if __name__ == "__main__":
    main()
