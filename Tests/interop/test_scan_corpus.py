"""`stemma scan` against the independent corpus of Tests/scan-corpus/make_corpus.py.

The corpus is generated afresh into a temporary folder (hostile pickles assembled opcode by opcode, benign
files written by numpy, safetensors, gguf, onnx, h5py and Python's pickler); expected.json says, for every
file, the verdict `stemma scan` must give, and for most hostile files the normalised import a finding with that
verdict must name (shared/reference/unsafe-formats.md §4 and §6 are the source of every expectation).

Contract checked (from the `stemma scan` JSON output):
  {"files": [{"path", "format", "verdict", "findings": [{"code", "verdict", "severity", "message",
   "member"?, "pickle"?, "offset"?, "opcode"?, "global"?, "spelledAs"?, "called"?, "detail"?}]}],
   "summary": {"files", "safe", "suspicious", "malformed", "dangerous"}}
  a folder D is reported file by file as D/<relative path>; exit 0 when all are safe, 1 when any is not,
  2 when the scan could not be done.
"""

import json
import pathlib
import shutil
import subprocess
import sys

import pytest

from support import assert_no_crash, stemma

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAKE_CORPUS = ROOT / "Tests" / "scan-corpus" / "make_corpus.py"
VERDICTS = ("safe", "suspicious", "malformed", "dangerous")
SCAN_TIMEOUT = 300

# Hostile files whose truncated copies must never come out safe, and where to cut them (bytes kept).
TRUNCATED_SOURCES = [
    "pickle/os_system_reduce_p0.pkl",
    "pickle/os_system_reduce_p2.pkl",
    "pickle/os_system_reduce_p4.pkl",
    "pickle/memo_confusion_p4.pkl",
    "torch/torch_zip_malicious.pt",
    "torch/legacy_stacked_malicious.pth",
    "numpy/object_array_malicious.npy",
    "keras/keras_lambda.keras",
    "archive/payload.pkl.gz",
    "joblib/payload_compress_3.pkl",
    "joblib/payload_compress_lzma.pkl",
    "joblib/payload_zfile.pkl",
]


def cut_points(size):
    # From 8 bytes on, so every magic number is intact and the truncation is of the body.
    return sorted({min(8, size - 1), size // 4, size // 2, (3 * size) // 4, size - 1} - {0})


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    """(folder, expected): the generated corpus; expected.json is moved out so only samples get scanned."""
    base = tmp_path_factory.mktemp("scan-corpus")
    folder = base / "corpus"
    gen = subprocess.run([sys.executable, str(MAKE_CORPUS), str(folder)], capture_output=True, text=True,
                         timeout=300)
    assert gen.returncode == 0, f"make_corpus.py failed:\n{gen.stdout}\n{gen.stderr}"
    expected = json.loads((folder / "expected.json").read_text())
    (folder / "expected.json").rename(base / "expected.json")
    return folder, expected


def scan(path, fmt="json"):
    res = stemma("scan", path, "--format", fmt, timeout=SCAN_TIMEOUT)
    assert_no_crash(res)
    return res


def parse_report(res):
    try:
        report = json.loads(res.stdout)
    except ValueError as e:
        pytest.fail(f"`stemma scan --format json` did not print one JSON document ({e})\n{res.describe()}")
    assert isinstance(report.get("files"), list), res.describe()
    assert isinstance(report.get("summary"), dict), res.describe()
    return report


def files_by_relpath(report, folder):
    prefix = str(folder) + "/"
    out = {}
    for f in report["files"]:
        path = f.get("path", "")
        assert path.startswith(prefix), f"file path {path!r} is not {prefix}<relative path>"
        rel = path[len(prefix):]
        assert rel not in out, f"{rel} reported twice"
        out[rel] = f
    return out


@pytest.fixture(scope="session")
def corpus_scan(corpus):
    folder, _expected = corpus
    res = scan(folder)
    report = parse_report(res)
    return res, report, files_by_relpath(report, folder)


def findings(entry):
    return [f for f in entry.get("findings", []) if isinstance(f, dict)]


def describe(rel, entry):
    lines = [f"{rel}: verdict {entry.get('verdict')!r}, format {entry.get('format')!r}"]
    for f in findings(entry):
        keys = ("code", "verdict", "global", "spelledAs", "member", "opcode", "offset", "message")
        lines.append("    " + ", ".join(f"{k}={f[k]!r}" for k in keys if k in f))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- the corpus


def test_every_sample_is_reported_once(corpus, corpus_scan):
    _folder, expected = corpus
    _res, _report, files = corpus_scan
    missing = sorted(set(expected) - set(files))
    extra = sorted(set(files) - set(expected))
    assert not missing, f"samples missing from the report: {missing}"
    assert not extra, f"files reported that are not samples: {extra}"


def test_verdicts_match_expected(corpus, corpus_scan):
    _folder, expected = corpus
    _res, _report, files = corpus_scan
    wrong = []
    for rel, exp in sorted(expected.items()):
        entry = files.get(rel)
        if entry is None:
            continue  # reported by test_every_sample_is_reported_once
        allowed = [exp["verdict"], *exp.get("accept", [])]
        if entry.get("verdict") not in allowed:
            wrong.append(f"expected {'/'.join(allowed)} ({exp['why']})\n  " + describe(rel, entry))
    assert not wrong, f"{len(wrong)} of {len(expected)} verdicts differ:\n" + "\n".join(wrong)


def test_file_verdict_is_the_worst_finding(corpus_scan):
    _res, _report, files = corpus_scan
    bad = []
    for rel, entry in sorted(files.items()):
        assert entry.get("verdict") in VERDICTS, describe(rel, entry)
        worst = max((VERDICTS.index(f.get("verdict", "safe")) for f in findings(entry)), default=0)
        if VERDICTS.index(entry["verdict"]) != worst:
            bad.append(describe(rel, entry))
    assert not bad, "file verdict is not the worst of its findings:\n" + "\n".join(bad)


def test_findings_name_the_expected_import(corpus, corpus_scan):
    _folder, expected = corpus
    _res, _report, files = corpus_scan
    wrong = []
    for rel, exp in sorted(expected.items()):
        entry = files.get(rel)
        if entry is None or "global" not in exp or entry.get("verdict") != exp["verdict"]:
            continue  # a wrong verdict is reported by test_verdicts_match_expected
        want = exp["global"]
        named = [f for f in findings(entry) if f.get("verdict") == exp["verdict"]
                 and want in (f.get("global"), f.get("spelledAs"))]
        if "member" in exp:
            named = [f for f in named if f.get("member") == exp["member"]]
        if "pickle" in exp:
            named = [f for f in named if f.get("pickle") == exp["pickle"]]
        if not named:
            where = f" in member {exp['member']}" if "member" in exp else ""
            where += f" in stacked pickle {exp['pickle']}" if "pickle" in exp else ""
            wrong.append(f"no {exp['verdict']} finding names {want}{where} ({exp['why']})\n  " + describe(rel, entry))
    assert not wrong, "\n".join(wrong)


def test_benign_files_have_no_finding_worse_than_safe(corpus, corpus_scan):
    _folder, expected = corpus
    _res, _report, files = corpus_scan
    bad = []
    for rel, exp in sorted(expected.items()):
        if exp["verdict"] != "safe" or rel not in files:
            continue
        entry = files[rel]
        if entry.get("verdict") != "safe" or any(f.get("verdict", "safe") != "safe" for f in findings(entry)):
            bad.append(f"({exp['why']})\n  " + describe(rel, entry))
    assert not bad, "benign files flagged:\n" + "\n".join(bad)


def test_summary_counts_the_files(corpus_scan):
    _res, report, files = corpus_scan
    summary = report["summary"]
    assert summary.get("files") == len(files), summary
    for v in VERDICTS:
        assert summary.get(v) == sum(1 for f in files.values() if f.get("verdict") == v), (v, summary)


def test_corpus_exits_1(corpus_scan):
    res, _report, _files = corpus_scan
    assert res.rc == 1, "a folder with dangerous files must exit 1\n" + res.describe()


def test_benign_folder_exits_0(corpus):
    folder, expected = corpus
    benign = folder / "benign"
    res = scan(benign)
    report = parse_report(res)
    files = files_by_relpath(report, benign)
    flagged = [describe(rel, e) for rel, e in sorted(files.items()) if e.get("verdict") != "safe"]
    assert not flagged, "benign files flagged:\n" + "\n".join(flagged)
    assert len(files) == sum(1 for rel in expected if rel.startswith("benign/")), sorted(files)
    assert res.rc == 0, res.describe()


def test_single_file_keeps_the_given_path(corpus):
    folder, expected = corpus
    for rel in ("pickle/os_system_reduce_p2.pkl", "benign/torch/checkpoint.pt", "safetensors/"
                "header_longer_than_file.safetensors"):
        path = folder / rel
        res = scan(path)
        report = parse_report(res)
        assert [f.get("path") for f in report["files"]] == [str(path)], res.describe()
        assert report["files"][0].get("verdict") == expected[rel]["verdict"], res.describe()
        assert res.rc == (0 if expected[rel]["verdict"] == "safe" else 1), res.describe()


def test_missing_path_exits_2(tmp_path):
    res = scan(tmp_path / "does-not-exist.pkl")
    assert res.rc == 2, res.describe()
    assert "does-not-exist.pkl" in res.stderr, "the error must name the path\n" + res.describe()


# --------------------------------------------------------------------------------------------- other formats


def test_text_format_names_every_flagged_file(corpus):
    folder, expected = corpus
    res = scan(folder, "text")
    assert res.rc == 1, res.describe()
    missing = [rel for rel, exp in sorted(expected.items()) if exp["verdict"] != "safe" and rel not in res.stdout]
    assert not missing, f"text output does not name: {missing}\n{res.stdout[:4000]}"


def test_sarif_format_locates_every_flagged_file(corpus):
    folder, expected = corpus
    res = scan(folder, "sarif")
    assert res.rc == 1, res.describe()
    try:
        sarif = json.loads(res.stdout)
    except ValueError as e:
        pytest.fail(f"--format sarif is not JSON ({e})\n{res.stdout[:2000]}")
    assert sarif.get("version") == "2.1.0", sarif.get("version")
    runs = sarif.get("runs")
    assert isinstance(runs, list) and runs, "SARIF needs at least one run"
    uris = set()
    for run in runs:
        assert run.get("tool", {}).get("driver", {}).get("name"), "SARIF run without tool.driver.name"
        for result in run.get("results", []):
            assert result.get("message", {}).get("text"), f"SARIF result without message.text: {result}"
            for loc in result.get("locations", []):
                uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
                if uri:
                    uris.add(uri)
    missing = [rel for rel, exp in sorted(expected.items())
               if exp["verdict"] != "safe" and not any(u.endswith(rel) for u in uris)]
    assert not missing, f"no SARIF result located in: {missing}"


# --------------------------------------------------------------------------------------------- truncation


def test_truncated_hostile_files_are_never_safe(corpus, tmp_path):
    folder, _expected = corpus
    cut_dir = tmp_path / "truncated"
    cut_dir.mkdir()
    made = []
    for rel in TRUNCATED_SOURCES:
        blob = (folder / rel).read_bytes()
        src = pathlib.PurePosixPath(rel)
        for n in cut_points(len(blob)):
            # keep the extension: the loader profile must not rescue a truncated file
            base = src.name[:len(src.name) - len("".join(src.suffixes))]
            name = f"{src.parent.name}-{base}-cut{n}{''.join(src.suffixes)}"
            (cut_dir / name).write_bytes(blob[:n])
            made.append(name)
    res = scan(cut_dir)
    report = parse_report(res)
    files = files_by_relpath(report, cut_dir)
    assert sorted(files) == sorted(made), res.describe()
    safe = [describe(rel, e) for rel, e in sorted(files.items()) if e.get("verdict") == "safe"]
    assert not safe, "truncated hostile files reported safe:\n" + "\n".join(safe)
    assert res.rc == 1, res.describe()


def test_corpus_generator_is_deterministic(corpus, tmp_path):
    folder, _expected = corpus
    again = tmp_path / "again"
    subprocess.run([sys.executable, str(MAKE_CORPUS), str(again)], check=True, capture_output=True, timeout=300)
    (again / "expected.json").unlink()
    first = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    differ = sorted(str(k) for k in first if first[k] != second[k])
    assert not differ, f"make_corpus.py output differs between runs: {differ}"
    shutil.rmtree(again)


def test_json_report_matches_the_published_schema(corpus_scan):
    import jsonschema

    _res, report, _files = corpus_scan
    schema = json.loads((ROOT / "schemas" / "scan-report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(report)
