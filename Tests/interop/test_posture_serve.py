"""`stemma posture serve`, the live OTLP/HTTP receiver (issue 13 §1, Live), fed by the real OpenTelemetry SDK.

- protobuf: `opentelemetry-exporter-otlp-proto-http` (plain and gzip), one request per span (SimpleSpanProcessor)
  or one batch (BatchSpanProcessor);
- OTLP/JSON: the pre-release `opentelemetry-exporter-otlp-json-http`, and hand-built bodies as the Collector's
  otlphttp exporter sends them with `encoding: json` (hex ids, 64-bit integers as strings, integer enums);
- hostile bodies: 400/413/415 with a google.rpc.Status body, and the server keeps serving.

Each judged run is one JSON line on stdout (schemas/posture-live.schema.json); the findings must equal those that
`stemma posture --traces` gives for the same spans from a file. The server binds port 0 and logs the address on
stderr; SIGTERM judges what is pending and exits 0. The deadlines below only stop a hung test: they are not timing
assertions.
"""

import gzip
import http.client
import json
import pathlib
import queue
import signal
import subprocess
import threading
import time

import jsonschema
from google.rpc import status_pb2
from opentelemetry.exporter.otlp.json.http.trace_exporter import OTLPSpanExporter as JSONSpanExporter
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as ProtobufSpanExporter
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

import support
from test_posture_traces import POLICY, _otlp_json, agent_run

ROOT = pathlib.Path(__file__).resolve().parents[2]
LIVE_SCHEMA = json.loads((ROOT / "schemas" / "posture-live.schema.json").read_text())
HISTORY_SCHEMA = json.loads((ROOT / "schemas" / "posture-history.schema.json").read_text())
DEADLINE = 120  # seconds; only against a hang


class Server:
    """`stemma posture serve` on 127.0.0.1:0, its stdout lines collected by a thread."""

    def __init__(self, tmp_path, *extra):
        policy = tmp_path / "policy.yaml"
        policy.write_text(POLICY)
        self.proc = subprocess.Popen(
            [support.stemma_bin(), "posture", "serve", "--listen", "127.0.0.1:0", "--policy", str(policy), *map(str, extra)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.stderr = []
        first = self.proc.stderr.readline()
        self.stderr.append(first)
        assert "listening on 127.0.0.1:" in first, first
        self.port = int(first.split("listening on 127.0.0.1:")[1].split()[0])
        self.url = "http://127.0.0.1:%d/v1/traces" % self.port
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines.put), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.stderr.append), daemon=True).start()

    @staticmethod
    def _read(stream, sink):
        for line in stream:
            sink(line)

    def next_run(self):
        """The next judged run written on stdout, checked against the schema."""
        line = self.lines.get(timeout=DEADLINE)
        run = json.loads(line)
        jsonschema.Draft202012Validator(LIVE_SCHEMA).validate(run)
        return run

    def stop(self):
        """SIGTERM: pending traces are judged, then exit 0. Returns the runs written at shutdown."""
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=DEADLINE) == 0, "".join(self.stderr)
        time.sleep(0.1)  # let the reader thread reach the end of the pipe
        runs = []
        while not self.lines.empty():
            runs.append(json.loads(self.lines.get()))
        for run in runs:
            jsonschema.Draft202012Validator(LIVE_SCHEMA).validate(run)
        return runs

    def post(self, body, content_type, encoding=None):
        """POSTs `body` and returns (status, content type, body bytes)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DEADLINE)
        headers = {"Content-Type": content_type}
        if encoding:
            headers["Content-Encoding"] = encoding
        connection.request("POST", "/v1/traces", body=body, headers=headers)
        response = connection.getresponse()
        result = (response.status, response.getheader("Content-Type"), response.read())
        connection.close()
        return result


EXPECTED = [("AP-EXEC-2", "fail"), ("AP-EXEC-3", "unverified"), ("AP-EXEC-3", "unverified"),
            ("AP-ID-3", "fail"), ("AP-PERM-1", "fail")]


def findings(run):
    return sorted((f["rule"], f["status"]) for f in run["findings"])


def file_run(tmp_path, spans):
    """The same spans judged from an OTLP/JSON file by `stemma posture --traces` (the reference)."""
    path = tmp_path / "trace.json"
    path.write_text(json.dumps(_otlp_json(spans)))
    (tmp_path / "fleet").mkdir(exist_ok=True)
    res = support.stemma("posture", "--inventory", tmp_path / "fleet", "--policy", tmp_path / "policy.yaml",
                         "--traces", path, "--format", "json")
    assert res.rc == 0, res.stderr
    return json.loads(res.stdout)["runs"][0]


def same_run(live, reference):
    """Live and file judgements agree on everything but where the spans came from."""
    strip = lambda run: {k: v for k, v in run.items() if k not in ("schema", "trigger", "file")}
    live, reference = strip(live), strip(reference)
    for run in (live, reference):
        for finding in run["findings"]:
            for evidence in finding["evidence"]:
                evidence.pop("path")
    assert live == reference


def test_protobuf_exporter_one_request_per_span(tmp_path):
    server = Server(tmp_path, "--quiet-period", "0.2")
    exporter = ProtobufSpanExporter(endpoint=server.url)
    spans = agent_run(SimpleSpanProcessor(exporter))  # six requests; the root comes last
    run = server.next_run()
    assert run["trigger"] == "quiet"
    trace_id = format(spans[0].context.trace_id, "032x")
    ids = {s.name: format(s.context.span_id, "016x") for s in spans}
    assert run["traceId"] == trace_id and run["rootSpanId"] == ids["invoke_agent root"]
    assert run["agent"] == "agt_root" and run["policy"] == "agt_*" and run["file"] == "otlp-http"
    assert run["toolCalls"] == 3 and run["tokens"] == 1930 and run["subAgentSpawns"] == 1
    assert run["orphanSpans"] == []
    assert findings(run) == EXPECTED
    perm = next(f for f in run["findings"] if f["rule"] == "AP-PERM-1")
    assert (perm["evidence"][0]["traceId"], perm["evidence"][0]["spanId"]) == (trace_id, ids["execute_tool Bash"])
    idents = next(f for f in run["findings"] if f["rule"] == "AP-ID-3")
    assert idents["evidence"][0]["spanId"] == ids["invoke_agent helper"]
    assert server.stop() == []
    same_run(run, file_run(tmp_path, spans))


def test_protobuf_exporter_gzip_batch_and_history(tmp_path):
    history = tmp_path / "runs.jsonl"
    server = Server(tmp_path, "--quiet-period", "0.2", "--history", history)
    exporter = ProtobufSpanExporter(endpoint=server.url, compression=Compression.Gzip)
    spans = agent_run(BatchSpanProcessor(exporter))
    run = server.next_run()
    assert findings(run) == EXPECTED and run["traceId"] == format(spans[0].context.trace_id, "032x")
    # The same export again (a retry) is judged again but adds no second history line.
    body = encode_spans(spans).SerializeToString()
    status, content_type, answer = server.post(gzip.compress(body), "application/x-protobuf", "gzip")
    assert status == 200 and content_type == "application/x-protobuf"
    assert ExportTraceServiceResponse.FromString(answer).partial_success.rejected_spans == 0
    assert findings(server.next_run()) == EXPECTED
    server.stop()
    rows = [json.loads(line) for line in history.read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["traceId"] == run["traceId"] and rows[0]["toolCalls"] == 3
    jsonschema.Draft202012Validator(HISTORY_SCHEMA).validate(rows[0])


def test_json_exporter_from_the_sdk(tmp_path):
    server = Server(tmp_path, "--quiet-period", "0.2")
    spans = agent_run(BatchSpanProcessor(JSONSpanExporter(endpoint=server.url)))
    run = server.next_run()
    assert findings(run) == EXPECTED
    server.stop()
    same_run(run, file_run(tmp_path, spans))


def collector_json(spans):
    """OTLP/JSON as the Collector's otlphttp exporter sends it with `encoding: json`: hex ids, 64-bit integers as
    decimal strings, integer enums (the SDK's spans, encoded then mapped to that form)."""
    return json.dumps(_otlp_json(spans)).encode()


def test_collector_json_bodies_split_across_requests(tmp_path):
    spans = list(agent_run())
    server = Server(tmp_path, "--quiet-period", "3600")  # judged only at shutdown
    root = [s for s in spans if s.parent is None]
    children = [s for s in spans if s.parent is not None]
    body = collector_json(children)
    assert b'"startTimeUnixNano": "' in body and b'"kind": 1' in body
    for part in (children[:2], children[2:], root):
        status, content_type, answer = server.post(collector_json(part), "application/json")
        assert status == 200 and content_type == "application/json"
        assert json.loads(answer) == {}  # a full success: an empty ExportTraceServiceResponse
    runs = server.stop()
    assert len(runs) == 1 and runs[0]["trigger"] == "shutdown"
    assert findings(runs[0]) == EXPECTED and runs[0]["toolCalls"] == 3
    same_run(runs[0], file_run(tmp_path, spans))


def test_a_trace_missing_its_root_is_judged_incomplete(tmp_path):
    spans = [s for s in agent_run() if s.parent is not None]  # the root span never arrives
    server = Server(tmp_path, "--quiet-period", "3600", "--max-wait", "3600")
    assert server.post(collector_json(spans), "application/json")[0] == 200
    runs = server.stop()
    assert len(runs) == 1
    rules = {f["rule"] for f in runs[0]["findings"]}
    assert {"AP-MON-2", "AP-PERM-1"} <= rules  # the orphans are judged, and named as an incomplete tree


def test_hostile_bodies_are_refused_and_the_server_keeps_serving(tmp_path):
    server = Server(tmp_path, "--quiet-period", "3600", "--max-body-mib", "1")
    good = encode_spans(list(agent_run())).SerializeToString()

    def refused(status_code, body, content_type, encoding=None):
        status, answer_type, answer = server.post(body, content_type, encoding)
        assert status == status_code, (status, answer)
        if answer_type == "application/json":
            message = json.loads(answer)["message"]
        else:
            message = status_pb2.Status.FromString(answer).message
        assert message
        return message

    assert "not a valid OTLP" in refused(400, b"\xff\xfe garbage \x00" * 10, "application/x-protobuf")
    refused(400, good[: len(good) // 2], "application/x-protobuf")  # truncated mid-message
    refused(400, b'{"resourceSpans": [', "application/json")
    refused(400, b"[1, 2, 3]", "application/json")
    refused(400, gzip.compress(good)[:-12], "application/x-protobuf", "gzip")  # gzip cut short
    assert "Content-Type" in refused(415, good, "text/plain")
    assert "Content-Encoding" in refused(415, good, "application/x-protobuf", "br")
    refused(413, b"\x0a" * ((1 << 20) + 1024), "application/x-protobuf")  # over --max-body-mib
    refused(413, gzip.compress(b"\x00" * (8 << 20)), "application/x-protobuf", "gzip")  # inflates past the bound
    # Spans with invalid ids are dropped and counted as a partial success.
    bad_ids = json.loads(collector_json(list(agent_run())))
    for span in bad_ids["resourceSpans"][0]["scopeSpans"][0]["spans"][:2]:
        span["traceId"] = "00" * 16
    status, _, answer = server.post(json.dumps(bad_ids).encode(), "application/json")
    assert status == 200 and json.loads(answer)["partialSuccess"]["rejectedSpans"] == "2"
    # Still alive: a valid export is accepted and judged at shutdown.
    assert server.post(good, "application/x-protobuf")[0] == 200
    runs = server.stop()
    assert len(runs) == 2 and all(run["trigger"] == "shutdown" for run in runs)
    assert any(findings(run) == EXPECTED for run in runs)


def test_requests_beyond_the_concurrency_bound_are_told_to_retry(tmp_path):
    server = Server(tmp_path, "--quiet-period", "3600")
    held = []
    for _ in range(4):  # four requests whose bodies never finish hold every slot
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=DEADLINE)
        connection.putrequest("POST", "/v1/traces")
        connection.putheader("Content-Type", "application/x-protobuf")
        connection.putheader("Content-Length", "1000")
        connection.endheaders()
        connection.send(b"\x0a")
        held.append(connection)
    statuses = []
    for _ in range(400):  # until the four are being read (an empty body is a valid, empty export)
        status, content_type, answer = server.post(b"", "application/x-protobuf")
        statuses.append(status)
        if status == 503:
            assert status_pb2.Status.FromString(answer).code == 14  # UNAVAILABLE: exporters retry
            break
        time.sleep(0.05)
    assert statuses[-1] == 503, statuses
    for connection in held:
        connection.close()
    for _ in range(400):  # the slots are released once the held requests end
        if server.post(b"", "application/x-protobuf")[0] == 200:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the slots were not released")
    assert server.stop() == []

