"""`stemma posture --traces` on traces written by the real OpenTelemetry Python SDK.

The SDK's ConsoleSpanExporter does not write OTLP/JSON, so the spans are encoded the way the OTLP exporters
encode them (`opentelemetry-exporter-otlp-proto-common`'s `encode_spans`, an `ExportTraceServiceRequest`) and
turned into OTLP/JSON with `google.protobuf.json_format` (integer enums, 64-bit integers as strings), then the
byte ids are rewritten from the generic mapping's base64 to the hex that the OTLP/JSON encoding requires.
"""

import base64
import json
import pathlib

import jsonschema
import pytest
from google.protobuf import json_format
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

import support

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPORT_SCHEMA = json.loads((ROOT / "schemas" / "posture-report.schema.json").read_text())
HISTORY_SCHEMA = json.loads((ROOT / "schemas" / "posture-history.schema.json").read_text())

POLICY = """agent_posture_policy:
  identity:
    agent_id: "agt_*"
  permissions:
    denied_tools: [Bash]
  execution:
    max_sub_agents: 0
    requires_human_approval: [any_write_operation]
"""


def _otlp_json(spans):
    """One OTLP/JSON TracesData object for finished SDK spans."""
    message = json_format.MessageToDict(encode_spans(spans), use_integers_for_enums=True)
    for resource_spans in message["resourceSpans"]:
        for scope_spans in resource_spans["scopeSpans"]:
            for span in scope_spans["spans"]:
                for key in ("traceId", "spanId", "parentSpanId"):
                    if key in span:
                        span[key] = base64.b64decode(span[key]).hex()
    return message


def agent_run(*processors):
    """Spans in GenAI shape: an agent with inference, a network tool, a write tool (no approval recorded) and a
    sub-agent reusing its parent's id that calls the denied Bash; every span goes to each processor as it ends
    (the live receiver's tests export them too)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "sdk-agent"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    for processor in processors:
        provider.add_span_processor(processor)
    tracer = provider.get_tracer("stemma.interop")
    with tracer.start_as_current_span("invoke_agent root", attributes={
            "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.id": "agt_root", "gen_ai.agent.name": "root"}):
        with tracer.start_as_current_span("chat gpt-4o", attributes={
                "gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
                "gen_ai.usage.input_tokens": 1834, "gen_ai.usage.output_tokens": 96}):
            pass
        with tracer.start_as_current_span("execute_tool WebFetch", attributes={
                "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "WebFetch",
                "gen_ai.tool.call.id": "call_fetch"}):
            pass
        with tracer.start_as_current_span("execute_tool Write", attributes={
                "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "Write",
                "gen_ai.tool.call.id": "call_write"}):
            pass
        with tracer.start_as_current_span("invoke_agent helper", attributes={
                "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.id": "agt_root"}):
            with tracer.start_as_current_span("execute_tool Bash", attributes={
                    "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": "Bash",
                    "gen_ai.tool.call.id": "call_bash"}):
                pass
    provider.shutdown()  # flushes batch processors
    return exporter.get_finished_spans()


def _posture(tmp_path, traces, *extra):
    fleet = tmp_path / "fleet"
    fleet.mkdir(exist_ok=True)
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    res = support.stemma("posture", "--inventory", fleet, "--policy", policy, "--traces", traces,
                         "--format", "json", *extra)
    assert res.rc == 0, res.stderr
    report = json.loads(res.stdout)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
    return report


def test_sdk_traces_are_judged(tmp_path):
    spans = agent_run()
    trace_id = format(spans[0].context.trace_id, "032x")
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(_otlp_json(spans), indent=2))
    report = _posture(tmp_path, path)
    assert len(report["runs"]) == 1
    run = report["runs"][0]
    assert run["agent"] == "agt_root" and run["traceId"] == trace_id and run["policy"] == "agt_*"
    assert run["toolCalls"] == 3 and run["tokens"] == 1930 and run["externalCalls"] == 1
    assert [(c["tool"], c["caller"]) for c in run["calls"]] == [
        ("WebFetch", "agt_root"), ("Write", "agt_root"), ("Bash", "agt_root")]
    assert run["spawns"][0]["ownId"] is False and run["orphanSpans"] == []
    found = sorted((f["rule"], f["status"]) for f in run["findings"])
    assert found == [("AP-EXEC-2", "fail"), ("AP-EXEC-3", "unverified"), ("AP-EXEC-3", "unverified"),
                     ("AP-ID-3", "fail"), ("AP-PERM-1", "fail")]
    spans_by_name = {s.name: format(s.context.span_id, "016x") for s in spans}
    perm = next(f for f in run["findings"] if f["rule"] == "AP-PERM-1")
    assert perm["evidence"][0]["traceId"] == trace_id
    assert perm["evidence"][0]["spanId"] == spans_by_name["execute_tool Bash"]
    for finding in run["findings"]:
        assert all(e["traceId"] == trace_id and len(e["spanId"]) == 16 for e in finding["evidence"])


def test_sdk_batches_as_json_lines_and_history(tmp_path):
    spans = list(agent_run())
    # Two export batches of one trace, one TracesData per line as the file exporter writes them.
    lines = [json.dumps(_otlp_json(spans[:3])), json.dumps(_otlp_json(spans[3:]))]
    path = tmp_path / "traces.jsonl"
    path.write_text("\n".join(lines) + "\n")
    history = tmp_path / "runs.jsonl"
    report = _posture(tmp_path, path, "--history", history)
    assert len(report["runs"]) == 1 and report["runs"][0]["toolCalls"] == 3
    rows = [json.loads(line) for line in history.read_text().splitlines()]
    assert len(rows) == 1
    for row in rows:
        jsonschema.Draft202012Validator(HISTORY_SCHEMA).validate(row)
    assert rows[0]["toolCalls"] == 3 and rows[0]["tokens"] == 1930
    _posture(tmp_path, path, "--history", history)
    assert len(history.read_text().splitlines()) == 1  # the same trace again adds nothing


def test_history_without_traces_is_a_usage_error(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    (tmp_path / "fleet").mkdir()
    res = support.stemma("posture", "--inventory", tmp_path / "fleet", "--policy", policy,
                         "--history", tmp_path / "h.jsonl")
    assert res.rc == 2


def test_sdk_trace_findings_in_sarif_and_fail_on(tmp_path):
    spans = agent_run()
    trace_id = format(spans[0].context.trace_id, "032x")
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(_otlp_json(spans)))
    (tmp_path / "fleet").mkdir()
    policy = tmp_path / "policy.yaml"
    policy.write_text(POLICY)
    res = support.stemma("posture", "--inventory", tmp_path / "fleet", "--policy", policy, "--traces", path,
                         "--format", "sarif", "--fail-on", "critical")
    assert res.rc == 1, res.stderr  # AP-PERM-1 (critical) from the trace
    results = json.loads(res.stdout)["runs"][0]["results"]
    perm = next(r for r in results if r["ruleId"] == "AP-PERM-1")
    assert perm["properties"]["traceId"] == trace_id and perm["properties"]["agent"] == "agt_root"
    assert perm["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == str(path)


def _hand_run(trace_id, start, calls):
    """A hand-built OTLP/JSON run of agent agt_root with `calls` tool calls (ids as the OTLP/JSON encoding)."""
    def attr(key, value):
        return {"key": key, "value": {"stringValue": value}}
    spans = [{"traceId": trace_id, "spanId": "%016x" % 1, "name": "invoke_agent root", "kind": 1,
              "startTimeUnixNano": str(start),
              "attributes": [attr("gen_ai.operation.name", "invoke_agent"), attr("gen_ai.agent.id", "agt_root")]}]
    for n in range(calls):
        spans.append({"traceId": trace_id, "spanId": "%016x" % (n + 2), "parentSpanId": "%016x" % 1,
                      "name": "execute_tool lookup", "kind": 1, "startTimeUnixNano": str(start + n + 1),
                      "attributes": [attr("gen_ai.operation.name", "execute_tool"), attr("gen_ai.tool.name", "lookup"),
                                     attr("gen_ai.tool.call.id", "c%d" % n)]})
    return {"resourceSpans": [{"resource": {"attributes": []}, "scopeSpans": [{"spans": spans}]}]}


def test_baseline_history_flags_the_spike_not_the_nine_times_run(tmp_path):
    rows = [{"schema": "stemma/posture-history/v1", "agent": "agt_root", "traceId": "%032x" % (n + 1),
             "rootSpanId": "%016x" % 1, "startTimeUnixNano": str(n + 1), "toolCalls": 2, "externalCalls": 0,
             "subAgentSpawns": 0, "tokens": 0} for n in range(30)]
    for row in rows:
        jsonschema.Draft202012Validator(HISTORY_SCHEMA).validate(row)

    def judge(calls, trace_number):
        """One run of `calls` tool calls against its own copy of the 30-run history (mean 2 tool calls)."""
        history = tmp_path / ("runs-%d.jsonl" % calls)
        history.write_text("".join(json.dumps(row) + "\n" for row in rows))
        trace = "%032x" % trace_number
        path = tmp_path / ("traces-%d.jsonl" % calls)
        path.write_text(json.dumps(_hand_run(trace, 100, calls)) + "\n")
        report = _posture(tmp_path, path, "--history", history)
        assert len(history.read_text().splitlines()) == 31  # the judged run is appended
        run = report["runs"][0]
        check = next(c for c in run["baseline"]["checks"] if c["metric"] == "tool_calls")
        return [f for f in run["findings"] if f["rule"] == "AP-EXEC-4"], check

    flagged, check = judge(21, 1001)  # 10.5x the mean
    assert len(flagged) == 1 and "tool_calls=21" in flagged[0]["message"] and "mean 2.00" in flagged[0]["message"]
    assert "last 30 runs" in flagged[0]["message"] and "10\u00d7" in flagged[0]["message"]
    assert check == {"metric": "tool_calls", "value": 21, "window": 30, "mean": "2.00", "factor": 10, "flagged": True}
    for calls, number in ((20, 1002), (18, 1003)):  # exactly 10x, and 9x: not flagged
        flagged, check = judge(calls, number)
        assert flagged == [] and check["flagged"] is False and check["mean"] == "2.00" and check["window"] == 30


def test_example_traces_against_the_seed_policy(tmp_path):
    examples = ROOT / "examples" / "posture"
    def judge(traces, *extra):
        res = support.stemma("posture", "--inventory", examples / "fleet", "--policy",
                             examples / "policies" / "seed.yaml", "--traces", traces, "--format", "json", *extra)
        assert res.rc == 0, res.stderr
        report = json.loads(res.stdout)
        jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
        assert len(report["runs"]) == 1
        return report["runs"][0]
    run = judge(examples / "traces" / "compliance-report.otlp.json")
    assert run["tokens"] == 7853 and run["toolCalls"] == 2 and run["subAgentSpawns"] == 1
    assert sorted((f["rule"], f["status"]) for f in run["findings"]) == [("AP-EXEC-2", "fail"),
                                                                          ("AP-EXEC-3", "unverified")]
    history = tmp_path / "runs.jsonl"
    history.write_text((examples / "traces" / "runs.jsonl").read_text())
    spike = judge(examples / "traces" / "spike.otlp.jsonl", "--history", history)
    assert [(f["rule"], f["status"]) for f in spike["findings"]] == [("AP-EXEC-4", "fail")]
    assert len(history.read_text().splitlines()) == 31


def _codex_run(tools, decisions_source=None):
    """Spans in the shape codex-rs exports through tracing-opentelemetry, made by the real SDK: a session_loop
    root, a `session_task.turn` span with the turn's token totals, and per tool call a span named after the tool
    carrying a `codex.tool_result` event (the Codex name in the event's `event.name` attribute)."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": "codex_cli_rs"}))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("codex_otel")
    with tracer.start_as_current_span("session_loop", attributes={"thread_id": "t-1"}):
        with tracer.start_as_current_span("session_task.turn", attributes={
                "thread.id": "t-1", "turn.id": "1", "model": "gpt-5-codex",
                "codex.turn.token_usage.input_tokens": 900, "codex.turn.token_usage.output_tokens": 60}):
            with tracer.start_as_current_span("run_turn"):
                for tool, call in tools:
                    with tracer.start_as_current_span(tool, attributes={"tool_name": tool, "call_id": call}) as span:
                        span.add_event("event codex-rs/otel/src/events/session_telemetry.rs:1010", attributes={
                            "event.name": "codex.tool_result", "tool_name": tool, "call_id": call,
                            "success": "true", "conversation.id": "t-1"})
    provider.shutdown()
    spans = exporter.get_finished_spans()
    lines = [json.dumps(_otlp_json(spans))]
    if decisions_source:
        trace_id = format(spans[0].context.trace_id, "032x")
        records = [{"traceId": trace_id, "timeUnixNano": "1", "attributes": [
            {"key": k, "value": {"stringValue": v}} for k, v in (
                ("event.name", "codex.tool_decision"), ("tool_name", tool), ("call_id", call),
                ("decision", "approved"), ("source", decisions_source))]} for tool, call in tools]
        lines.append(json.dumps({"resourceLogs": [{"resource": {"attributes": []},
                                                   "scopeLogs": [{"logRecords": records}]}]}))
    return spans, "\n".join(lines) + "\n"


def test_codex_shaped_sdk_traces_form_runs(tmp_path):
    spans, text = _codex_run([("shell", "call_sh"), ("apply_patch", "call_ap")])
    path = tmp_path / "codex.jsonl"
    path.write_text(text)
    policy = tmp_path / "codex-policy.yaml"
    policy.write_text("agent_posture_policy:\n  identity: {agent_id: codex_cli_rs}\n"
                      "  permissions: {denied_tools: [shell]}\n"
                      "  execution: {requires_human_approval: [any_write_operation]}\n")
    (tmp_path / "fleet").mkdir()
    res = support.stemma("posture", "--inventory", tmp_path / "fleet", "--policy", policy, "--traces", path,
                         "--format", "json")
    assert res.rc == 0, res.stderr
    report = json.loads(res.stdout)
    jsonschema.Draft202012Validator(REPORT_SCHEMA).validate(report)
    [run] = report["runs"]
    turn = next(s for s in spans if s.name == "session_task.turn")
    assert run["emitter"] == "codex" and run["agent"] == "codex_cli_rs"
    assert run["rootSpanId"] == format(turn.context.span_id, "016x") and run["tokens"] == 960
    assert [(c["tool"], c["callId"]) for c in run["calls"]] == [("shell", "call_sh"), ("apply_patch", "call_ap")]
    found = sorted((f["rule"], f["status"]) for f in run["findings"])
    assert found == [("AP-EXEC-3", "unverified"), ("AP-EXEC-3", "unverified"), ("AP-PERM-1", "fail")]
    # The benign twin: a patch the user approved, no shell.
    _, text = _codex_run([("apply_patch", "call_ap")], decisions_source="User")
    path.write_text(text)
    res = support.stemma("posture", "--inventory", tmp_path / "fleet", "--policy", policy, "--traces", path,
                         "--format", "json")
    assert res.rc == 0, res.stderr
    assert json.loads(res.stdout)["runs"][0]["findings"] == []
